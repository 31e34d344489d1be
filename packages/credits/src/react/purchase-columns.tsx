import { type DataTableColumn, dateColumn, formatSigned, purchaseStatusLabels } from "@credits/ui";
import type { RouterOutputs } from "../index.ts";

export type Purchase = RouterOutputs["purchases"]["list"]["purchases"][number];

/** A purchase's columns, the same for its customer and for an operator. */
export const purchaseColumns: DataTableColumn<Purchase>[] = [
  dateColumn("date", "Date", (purchase) => purchase.createdAt),
  {
    id: "item",
    header: "Item",
    className: "min-w-40 font-medium text-zinc-900",
    cell: (purchase) => purchase.itemName,
  },
  {
    id: "status",
    header: "Status",
    className: "whitespace-nowrap",
    cell: (purchase) => purchaseStatusLabels[purchase.status],
  },
  {
    // What the purchase took from the balance, signed as the history shows it.
    id: "amount",
    header: "Amount",
    align: "end",
    className: "whitespace-nowrap font-semibold tabular-nums",
    cell: (purchase) => formatSigned(-purchase.credits),
  },
  {
    id: "refunded",
    header: "Refunded",
    align: "end",
    className: "whitespace-nowrap tabular-nums text-zinc-600",
    cell: (purchase) =>
      purchase.refundedCredits > 0 ? formatSigned(purchase.refundedCredits) : "—",
  },
];
