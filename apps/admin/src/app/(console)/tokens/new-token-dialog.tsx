"use client";

import { Alert, Button, ConfirmDialog } from "@credits/ui";
import { useId, useRef, useState } from "react";
import type { CreatedToken } from "./create-token-form.tsx";

/** The new token's secret, in a dialog it cannot be brought back to once closed. */
export function NewTokenDialog({
  created,
  onClose,
}: {
  created: CreatedToken;
  onClose: () => void;
}) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  async function copyToken() {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopy("copied");
    } catch {
      // No clipboard access (an old browser, or permission refused): select it for Ctrl+C.
      inputRef.current?.select();
      setCopy("failed");
    }
  }
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
        <label htmlFor={inputId} className="font-medium text-zinc-800">
          Token
        </label>
        <div className="flex flex-wrap gap-2">
          <input
            id={inputId}
            ref={inputRef}
            readOnly
            value={created.token}
            onFocus={(event) => event.currentTarget.select()}
            spellCheck={false}
            className="min-h-10 min-w-0 flex-1 basis-56 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs"
            data-testid="new-token"
          />
          <Button variant="secondary" onClick={copyToken}>
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p role="status" className="text-xs text-zinc-600">
          {copy === "copied" && "Copied to the clipboard."}
          {copy === "failed" &&
            "The browser did not allow copying. The token is selected: press Ctrl+C (⌘C on a Mac)."}
        </p>
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
