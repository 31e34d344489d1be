"use client";

import { Alert, Button, ConfirmDialog, CopyField } from "@credits/ui";
import type { CreatedToken } from "./create-token-form.tsx";

/** The new token's secret, in a dialog it cannot be brought back to once closed. */
export function NewTokenDialog({
  created,
  onClose,
}: {
  created: CreatedToken;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      open
      title={`Token for “${created.name}”`}
      onClose={onClose}
      actions={<Button onClick={onClose}>I have copied it</Button>}
    >
      <div className="flex flex-col gap-3">
        <Alert tone="warning">
          <strong>Copy it now: it is shown only this once.</strong> Only a hash of it is kept, so
          nobody can show it again. If it is lost, create a new token and revoke this one.
        </Alert>
        <CopyField label="Token" value={created.token} testId="new-token" />
        <p>
          The backend sends it as{" "}
          <code className="rounded bg-zinc-100 px-1 font-mono text-xs">
            Authorization: Bearer {created.prefix}…
          </code>{" "}
          to the web app&apos;s REST API (reference at <code className="font-mono">/api/docs</code>
          ).
        </p>
      </div>
    </ConfirmDialog>
  );
}
