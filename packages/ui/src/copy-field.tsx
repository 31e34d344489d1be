"use client";

import { useId, useRef, useState } from "react";
import { Button } from "./button.tsx";

/** A secret or link shown for copying: read-only, selected on focus, with a Copy button. */
export function CopyField({
  label,
  value,
  testId,
}: {
  label: string;
  value: string;
  testId?: string;
}) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  async function copyValue() {
    try {
      await navigator.clipboard.writeText(value);
      setCopy("copied");
    } catch {
      // No clipboard access (an old browser, or permission refused): select it for Ctrl+C.
      inputRef.current?.select();
      setCopy("failed");
    }
  }
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={inputId} className="font-medium text-zinc-800">
        {label}
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={inputId}
          ref={inputRef}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
          className="min-h-10 min-w-0 flex-1 basis-56 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs"
          data-testid={testId}
        />
        <Button variant="secondary" onClick={copyValue}>
          {copy === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p role="status" className="text-xs text-zinc-600">
        {copy === "copied" && "Copied to the clipboard."}
        {copy === "failed" &&
          "The browser did not allow copying. The text is selected: press Ctrl+C (⌘C on a Mac)."}
      </p>
    </div>
  );
}
