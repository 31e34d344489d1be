"use client";

import {
  actorLabel,
  cn,
  DataTable,
  type DataTableColumn,
  type DataTableProps,
  dateColumn,
  entryTypeLabel,
  formatNumber,
  formatSigned,
  type SortOrder,
  useViewer,
  type Viewer,
} from "@credits/ui";
import { type ReactNode, useMemo } from "react";
import type { RouterOutputs } from "../index.ts";

type Entry = RouterOutputs["credits"]["history"]["entries"][number];

function ledgerColumns(viewer: Viewer): DataTableColumn<Entry>[] {
  return [
    dateColumn("date", "Date", (entry) => entry.createdAt),
    {
      id: "description",
      header: "Description",
      className: "min-w-48 font-medium text-zinc-900",
      cell: (entry) => entry.description,
    },
    {
      id: "type",
      header: "Type",
      className: "whitespace-nowrap",
      cell: (entry) => entryTypeLabel(entry.type, entry.amount),
    },
    {
      id: "by",
      header: "By",
      className: "whitespace-nowrap text-zinc-600",
      cell: (entry) => actorLabel({ type: entry.actorType, id: entry.actorId }, viewer),
    },
    {
      id: "app",
      header: "App",
      className: "whitespace-nowrap text-zinc-600",
      cell: (entry) => entry.appId,
    },
    {
      id: "amount",
      header: "Amount",
      align: "end",
      cell: (entry) => (
        <span
          className={cn(
            "font-semibold whitespace-nowrap tabular-nums",
            entry.amount > 0 ? "text-green-700" : "text-zinc-900",
          )}
        >
          {formatSigned(entry.amount)}
        </span>
      ),
    },
    {
      // The ledger keeps a balance per app: named so, it does not read as a wrong total.
      id: "balanceAfter",
      header: "App balance after",
      align: "end",
      className: "whitespace-nowrap tabular-nums text-zinc-600",
      cell: (entry) => formatNumber(entry.balanceAfter),
    },
  ];
}

/**
 * Ledger entries as a table, for the customer's history and the operator's view of a user: the
 * same columns and words, the actor named from the viewer's side. Sorted by date on the server.
 */
export function LedgerTable({
  entries,
  order,
  onOrderChange,
  loading,
  pages,
  empty,
  testId,
}: {
  entries: Entry[];
  order: SortOrder;
  onOrderChange: (order: SortOrder) => void;
  loading: boolean;
  pages: DataTableProps<Entry, "date">["pages"];
  empty: ReactNode;
  testId: string;
}) {
  const viewer = useViewer();
  const columns = useMemo(() => ledgerColumns(viewer), [viewer]);
  return (
    <DataTable
      label="Ledger entries"
      columns={columns}
      rows={entries}
      getRowId={(entry) => entry.id}
      sort={{ column: "date", order }}
      onSortChange={(sort) => onOrderChange(sort.order)}
      loading={loading}
      pages={pages}
      empty={empty}
      testId={testId}
    />
  );
}
