"use client";

import {
  type ColumnDef,
  type RowData,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  type Updater,
  useTable,
} from "@tanstack/react-table";
import { Fragment, type ReactNode, useMemo } from "react";
import { Button } from "./button.tsx";
import { Skeleton } from "./card.tsx";
import { cn } from "./cn.ts";

// Sorting is the only feature: the server sorts and pages (keyset), so the table renders rows in
// the order they came and turns header clicks into the next query's `order`.
const features = tableFeatures({ rowSortingFeature });

export type SortOrder = "asc" | "desc";

/** The list's order: which column, which way (as the query's `sort` and `order` take it). */
export interface TableSort<TColumn extends string = string> {
  column: TColumn;
  order: SortOrder;
}

export interface DataTableColumn<TRow extends RowData> {
  id: string;
  header: string;
  cell: (row: TRow) => ReactNode;
  /** The server can sort by this column; the first click sorts this way (newest first: "desc"). */
  sortFirst?: SortOrder;
  /** Amounts and counts line up on the right. */
  align?: "start" | "end";
  /** Classes for this column's cells (a minimum width, `whitespace-nowrap`). */
  className?: string;
}

export interface DataTableProps<TRow extends RowData, TColumn extends string> {
  /** What the table lists, for screen readers and the scroll region ("Ledger entries"). */
  label: string;
  columns: DataTableColumn<TRow>[];
  rows: TRow[];
  getRowId: (row: TRow) => string;
  sort?: TableSort<TColumn>;
  onSortChange?: (sort: TableSort<TColumn>) => void;
  /** The first page is loading: placeholder rows stand in for it. */
  loading?: boolean;
  /** What shows when there are no rows (an EmptyState). */
  empty: ReactNode;
  /** The list's keyset pages: an infinite query (TanStack Query's) can be passed as it is. */
  pages?: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  /** On the table body, so a test finds the rows (`getByRole("row")`) without the header. */
  testId?: string;
  rowTestId?: string;
  /** A row's detail (an event's payload) in a full-width row under it; null when closed. */
  detail?: (row: TRow) => ReactNode;
}

const placeholderRows = 3;

/**
 * A list as a table: columns, sort buttons in the headers of the columns the server can sort by
 * (aria-sort on the sorted one), placeholder rows while the first page loads, an empty state, and
 * "Load more" for the next page. On a phone (below Tailwind's `sm`) each row is a card of
 * "column: value" lines, the header only its sort buttons; between that and the table's full
 * width, the table scrolls sideways inside its own container (focusable, so the keyboard can
 * scroll it too), never the page.
 */
export function DataTable<TRow extends RowData, TColumn extends string = string>({
  label,
  columns,
  rows,
  getRowId,
  sort,
  onSortChange,
  loading = false,
  empty,
  pages,
  testId,
  rowTestId,
  detail,
}: DataTableProps<TRow, TColumn>) {
  const columnDefs = useMemo(
    () =>
      columns.map(
        (column): ColumnDef<typeof features, TRow> => ({
          id: column.id,
          header: column.header,
          // Sorting needs an accessor; the server sorted, so its value is never compared.
          accessorFn: () => column.id,
          cell: (context) => column.cell(context.row.original),
          enableSorting: column.sortFirst !== undefined,
          sortDescFirst: column.sortFirst === "desc",
        }),
      ),
    [columns],
  );
  const sorting = useMemo<SortingState>(
    () => (sort ? [{ id: sort.column, desc: sort.order === "desc" }] : []),
    [sort],
  );
  const table = useTable({
    features,
    columns: columnDefs,
    data: rows,
    getRowId: (row) => getRowId(row),
    manualSorting: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const [first] = next;
      if (first && onSortChange) {
        onSortChange({ column: first.id as TColumn, order: first.desc ? "desc" : "asc" });
      }
    },
  });
  const byId = new Map(columns.map((column) => [column.id, column]));
  const alignOf = (id: string) => (byId.get(id)?.align === "end" ? "text-right" : "text-left");
  const sortable = onSortChange !== undefined && columns.some((column) => column.sortFirst);

  if (!loading && rows.length === 0) return <>{empty}</>;
  return (
    <div className="flex flex-col gap-4">
      <section
        aria-label={label}
        aria-busy={loading || pages?.isFetchingNextPage || undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways takes focus so the keyboard can scroll it too
        tabIndex={0}
        // The pixel of padding keeps the rings of buttons in the last column inside what scrolls.
        className="-mx-1 overflow-x-auto px-1 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <table className="w-full border-collapse text-sm max-sm:block" aria-label={label}>
          {/* On a phone the header keeps only its sort buttons, and each row becomes a card. */}
          <thead className={cn("max-sm:block", !sortable && "max-sm:hidden")}>
            {table.getHeaderGroups().map((group) => (
              <tr
                key={group.id}
                className="border-b border-zinc-200 max-sm:flex max-sm:flex-wrap max-sm:gap-3"
              >
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort() && onSortChange !== undefined;
                  const title = byId.get(header.column.id)?.header ?? header.column.id;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={
                        sorted ? (sorted === "asc" ? "ascending" : "descending") : undefined
                      }
                      className={cn(
                        "px-2 py-2 text-xs font-semibold whitespace-nowrap text-zinc-600 first:pl-0 last:pr-0 max-sm:px-0",
                        alignOf(header.column.id),
                        !canSort && "max-sm:hidden",
                      )}
                    >
                      {canSort ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-brand-600"
                        >
                          {title}
                          <SortIcon order={sorted || undefined} />
                        </button>
                      ) : (
                        title
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody data-testid={testId} className="divide-y divide-zinc-100 max-sm:block">
            {table.getRowModel().rows.map((row) => {
              const opened = detail?.(row.original);
              return (
                <Fragment key={row.id}>
                  <tr data-testid={rowTestId} className="align-top max-sm:block max-sm:py-2">
                    {row.getAllCells().map((cell) => (
                      <td
                        key={cell.id}
                        data-label={byId.get(cell.column.id)?.header}
                        className={cn(
                          "px-2 py-3 first:pl-0 last:pr-0",
                          // A card's line: the column's name, then its value on the right.
                          "max-sm:flex max-sm:items-baseline max-sm:justify-between max-sm:gap-4 max-sm:px-0 max-sm:py-1 max-sm:text-right",
                          "max-sm:before:shrink-0 max-sm:before:text-xs max-sm:before:font-medium max-sm:before:text-zinc-500 max-sm:before:content-[attr(data-label)]",
                          alignOf(cell.column.id),
                          byId.get(cell.column.id)?.className,
                        )}
                      >
                        <div className="min-w-0">
                          <table.FlexRender cell={cell} />
                        </div>
                      </td>
                    ))}
                  </tr>
                  {opened && (
                    <tr className="max-sm:block">
                      <td colSpan={columns.length} className="pb-3 max-sm:block">
                        {opened}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
          {(loading || pages?.isFetchingNextPage) && (
            // Hidden from assistive technology (and from tests counting rows): the region is busy.
            <tbody aria-hidden="true" className="max-sm:block">
              {Array.from({ length: placeholderRows }, (_, index) => (
                <tr key={index} className="max-sm:block">
                  {columns.map((column) => (
                    <td key={column.id} className="px-2 py-3 first:pl-0 last:pr-0 max-sm:block">
                      <Skeleton className="h-4" />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          )}
        </table>
      </section>
      {pages?.hasNextPage && (
        <div className="flex justify-center">
          <Button
            variant="secondary"
            busy={pages.isFetchingNextPage}
            onClick={() => pages.fetchNextPage()}
          >
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}

/** An arrow for the sorted direction; both, faint, on a column that can be sorted but is not. */
function SortIcon({ order }: { order?: SortOrder }) {
  return (
    <svg
      viewBox="0 0 12 12"
      className={cn("size-3", order ? "text-zinc-900" : "text-zinc-400")}
      aria-hidden="true"
    >
      {order !== "desc" && <path d="M6 1.5 9.5 5h-7z" fill="currentColor" />}
      {order !== "asc" && <path d="M6 10.5 2.5 7h7z" fill="currentColor" />}
    </svg>
  );
}
