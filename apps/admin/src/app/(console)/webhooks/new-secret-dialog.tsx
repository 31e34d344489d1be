"use client";

import { Alert, Button, ConfirmDialog, CopyField } from "@credits/ui";

/** An endpoint's signing secret, in a dialog it cannot be brought back to once closed. */
export function NewSecretDialog({
  url,
  secret,
  rotated,
  onClose,
}: {
  url: string;
  secret: string;
  rotated: boolean;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      open
      title={rotated ? "New signing secret" : "Endpoint created"}
      onClose={onClose}
      actions={<Button onClick={onClose}>I have copied it</Button>}
    >
      <div className="flex flex-col gap-3">
        <Alert tone="warning">
          <strong>Copy the signing secret now: it is shown only this once.</strong>
          {rotated
            ? " The previous secret keeps signing too for 24 hours, so the receiver can switch over."
            : " If it is lost, rotate it to get a new one."}
        </Alert>
        <p className="break-words">
          Events to <span className="font-mono text-xs">{url}</span> are signed with it per the
          Standard Webhooks specification: verify the{" "}
          <code className="font-mono">webhook-signature</code> header with any Standard Webhooks
          library.
        </p>
        <CopyField label="Signing secret" value={secret} testId="webhook-secret" />
      </div>
    </ConfirmDialog>
  );
}
