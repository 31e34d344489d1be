import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "./audit-log.tsx";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  // useSearchParams needs a boundary to render on the server.
  return (
    <Suspense>
      <AuditLog />
    </Suspense>
  );
}
