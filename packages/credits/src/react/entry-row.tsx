import { cn, formatDateTime, formatSigned } from "@credits/ui";
import type { RouterOutputs } from "../index.ts";

type Entry = RouterOutputs["credits"]["history"]["entries"][number];

const typeLabels: Record<Entry["type"], string> = {
  GRANT: "Grant",
  SPEND: "Spend",
  PURCHASE: "Purchase",
  REFUND: "Refund",
  TRANSFER_OUT: "Sent",
  TRANSFER_IN: "Received",
  ADJUSTMENT: "Adjustment",
  EXPIRE: "Expired",
  HOLD_CAPTURE: "Hold captured",
};

const actorLabels: Record<Entry["actorType"], string> = {
  USER: "you",
  ADMIN: "support",
  SERVICE: "a service",
  STRIPE: "billing",
  SYSTEM: "the system",
};

/** How a purchase's status reads to people. */
export const purchaseStatusLabels = {
  COMPLETED: "Completed",
  REFUNDED: "Refunded",
  PARTIALLY_REFUNDED: "Partly refunded",
} as const;

export function typeLabel(type: Entry["type"]): string {
  return typeLabels[type];
}

/** One ledger entry: what, when, by whom, the amount and the balance after it. */
export function EntryRow({ entry, showApp = false }: { entry: Entry; showApp?: boolean }) {
  return (
    <li className="flex items-start justify-between gap-4 py-3">
      <div className="min-w-0">
        <p className="truncate font-medium text-zinc-900">{entry.description}</p>
        <p className="text-xs text-zinc-500">
          {typeLabels[entry.type]} · {formatDateTime(entry.createdAt)} · by{" "}
          {actorLabels[entry.actorType]}
          {showApp && ` · ${entry.appId}`}
        </p>
      </div>
      <div className="shrink-0 text-right">
        <p
          className={cn(
            "font-semibold tabular-nums",
            entry.amount > 0 ? "text-green-700" : "text-zinc-900",
          )}
        >
          {formatSigned(entry.amount)}
        </p>
        <p className="text-xs text-zinc-500 tabular-nums">
          balance {entry.balanceAfter.toLocaleString("en-US")}
        </p>
      </div>
    </li>
  );
}
