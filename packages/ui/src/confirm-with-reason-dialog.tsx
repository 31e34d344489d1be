"use client";

import { type FormEvent, type ReactNode, useState } from "react";
import { Button } from "./button.tsx";
import { Alert } from "./card.tsx";
import { ConfirmDialog } from "./dialog.tsx";
import { Field } from "./field.tsx";

/**
 * A confirmation that asks why, for the audit log: the change is confirmed only with a reason (and
 * what `validate` asks of the rest of the form), and what stopped it is shown at the top.
 */
export function ConfirmWithReasonDialog({
  open,
  title,
  onClose,
  children,
  reasonLabel,
  reasonHint,
  missingReason = "Give a reason for the audit log.",
  validate,
  onConfirm,
  error,
  busy,
  cancelLabel = "Cancel",
  confirmLabel,
  confirmVariant = "primary",
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  /** What confirming does, shown above the reason. */
  children?: ReactNode;
  reasonLabel: string;
  reasonHint?: string;
  /** The problem shown when the reason is left empty. */
  missingReason?: string;
  /** Checked before the reason: what is wrong with the rest of the form, or null. */
  validate?: (form: FormData) => string | null;
  onConfirm: (reason: string, form: FormData) => void;
  /**
   * Why confirming failed, from the server. The opener clears it (resetting its mutation) when it
   * opens the dialog again, so an old failure is not shown with a new attempt.
   */
  error?: string | null;
  busy: boolean;
  cancelLabel?: string;
  confirmLabel: string;
  confirmVariant?: "primary" | "danger";
}) {
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reason = String(form.get("reason") ?? "").trim();
    const found = validate?.(form) ?? (reason ? null : missingReason);
    setProblem(found);
    if (!found) onConfirm(reason, form);
  }

  function close() {
    setProblem(null);
    onClose();
  }

  const shown = problem ?? error;
  return (
    <ConfirmDialog open={open} title={title} onClose={close} actions={null}>
      <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
        {shown && <Alert>{shown}</Alert>}
        {children}
        <Field label={reasonLabel} name="reason" required maxLength={500} hint={reasonHint} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            {cancelLabel}
          </Button>
          <Button type="submit" variant={confirmVariant} busy={busy}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </ConfirmDialog>
  );
}
