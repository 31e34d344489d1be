import type { ReactNode } from "react";
import { TRPCReactProvider } from "./provider.tsx";

/** The `<html>` shell both apps render: language, body, and the tRPC + TanStack Query provider. */
export function AppDocument({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
