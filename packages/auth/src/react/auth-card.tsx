import { Card } from "@credits/ui";
import type { ReactNode } from "react";

/** The centred card of the sign-in and sign-up pages. */
export function AuthCard({
  title,
  children,
  footer,
  brand = "Credits",
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
  brand?: string;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 py-10">
      <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase">{brand}</p>
      <Card className="w-full max-w-sm">
        <h1 className="mb-5 text-xl font-semibold">{title}</h1>
        {children}
      </Card>
      {footer && <div className="text-sm text-zinc-600">{footer}</div>}
    </main>
  );
}
