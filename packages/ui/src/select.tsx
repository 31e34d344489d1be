import type { InputHTMLAttributes, SelectHTMLAttributes } from "react";

const labelClass = "flex flex-col gap-1 text-sm font-medium";
const controlClass = "min-h-10 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm";

/** A select inside its label, so the label's text (shown above it) is its name. */
export function Select({
  label,
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> & { label: string }) {
  return (
    <label className={labelClass}>
      {label}
      <select {...props} className={controlClass} />
    </label>
  );
}

/**
 * An input labelled and styled like Select, for the filters and searches that sit beside selects;
 * a form's fields, with their hints and errors, are Fields.
 */
export function FilterInput({
  label,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "className"> & { label: string }) {
  return (
    <label className={labelClass}>
      {label}
      <input {...props} className={controlClass} />
    </label>
  );
}
