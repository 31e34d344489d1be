import type { HTMLAttributes, ReactNode } from "react";
import { cn } from "./cn.ts";

/**
 * A white panel. `selected` (e.g. the plan in use) gets the brand's thicker ring: the ring is chosen
 * here, not added in `className`, since two ring classes on one element leave the winner to the
 * stylesheet's order.
 */
export function Card({
  className,
  selected = false,
  ...props
}: HTMLAttributes<HTMLElement> & { selected?: boolean }) {
  return (
    <section
      {...props}
      className={cn(
        "rounded-xl bg-white p-5 shadow-sm",
        selected ? "ring-2 ring-brand-600" : "ring-1 ring-zinc-200",
        className,
      )}
    />
  );
}

export function CardTitle({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="mb-3 flex items-center justify-between gap-3">
      <h2 className="text-base font-semibold text-zinc-900">{children}</h2>
      {action}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return (
    <div className={cn("animate-pulse rounded-md bg-zinc-200", className)} aria-hidden="true" />
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 p-6 text-center">
      <p className="font-medium text-zinc-800">{title}</p>
      {children && <div className="mt-1 text-sm text-zinc-600">{children}</div>}
    </div>
  );
}

export function Alert({
  tone = "error",
  children,
}: {
  tone?: "error" | "warning" | "info" | "success";
  children: ReactNode;
}) {
  const tones = {
    error: "bg-red-50 text-red-800 ring-red-200",
    warning: "bg-amber-50 text-amber-900 ring-amber-200",
    info: "bg-brand-50 text-brand-700 ring-brand-100",
    success: "bg-green-50 text-green-800 ring-green-200",
  };
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn("rounded-lg px-4 py-3 text-sm ring-1", tones[tone])}
    >
      {children}
    </div>
  );
}

const badgeTones = {
  success: "bg-emerald-100 text-emerald-900",
  warning: "bg-amber-100 text-amber-900",
  error: "bg-red-100 text-red-800",
  neutral: "bg-zinc-100 text-zinc-700",
};

/** A short status beside a title, e.g. "Active" or "Payment overdue", coloured by its tone. */
export function Badge({ tone, children }: { tone: keyof typeof badgeTones; children: ReactNode }) {
  return (
    <span className={cn("rounded-full px-2.5 py-0.5 text-xs font-semibold", badgeTones[tone])}>
      {children}
    </span>
  );
}
