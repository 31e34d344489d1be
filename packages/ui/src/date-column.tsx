// Kept out of data-table.tsx ("use client"): column lists are built in modules a server component
// may import too, and a client module's functions cannot be called there.
import type { RowData } from "@tanstack/react-table";
import type { DataTableColumn } from "./data-table.tsx";
import { LocalDate } from "./local-dates.tsx";

/**
 * A column of instants, the list's usual sort key: sortable, newest first on the first click, in
 * the viewer's date-time format (or date format: `style: "date"`).
 */
export function dateColumn<TRow extends RowData>(
  id: string,
  header: string,
  instant: (row: TRow) => Date,
  style: "dateTime" | "date" = "dateTime",
): DataTableColumn<TRow> {
  return {
    id,
    header,
    sortFirst: "desc",
    className: "whitespace-nowrap text-zinc-600",
    cell: (row) => <LocalDate value={instant(row)} style={style} />,
  };
}
