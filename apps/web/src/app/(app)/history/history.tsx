"use client";

import type { TransactionType } from "@credits/credits";
import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import { EntryRow, typeLabel } from "@credits/credits/react/entry-row";
import { Alert, Button, Card, EmptyState, Skeleton } from "@credits/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

const types: TransactionType[] = [
  "GRANT",
  "PURCHASE",
  "SPEND",
  "REFUND",
  "TRANSFER_IN",
  "TRANSFER_OUT",
  "ADJUSTMENT",
  "EXPIRE",
  "HOLD_CAPTURE",
];

interface Filters {
  app: string;
  type: string;
  from: string;
  to: string;
}

const selectClass = "min-h-10 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm";

export function History() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({ app: "", type: "", from: "", to: "" });
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const input = {
    appId: filters.app || undefined,
    types: filters.type ? [filters.type as TransactionType] : undefined,
    from: filters.from ? new Date(`${filters.from}T00:00:00`) : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59.999`) : undefined,
    limit: 25,
  };
  const history = useInfiniteQuery(
    trpc.credits.history.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;

  // Infinite scroll: the next page loads as the end of the list comes into view.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const exportParams = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  const entries = history.data?.pages.flatMap((page) => page.entries) ?? [];
  const update = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setFilters((current) => ({ ...current, [key]: event.target.value }));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">History</h1>
        <a
          href={`/history/export${exportParams.size ? `?${exportParams}` : ""}`}
          className="rounded-lg px-3 py-2 text-sm font-semibold text-brand-600 ring-1 ring-brand-100 hover:bg-brand-50"
          download
        >
          Export CSV
        </a>
      </div>
      <Card>
        <fieldset className="grid gap-3 sm:grid-cols-4">
          <legend className="sr-only">Filters</legend>
          <label className="flex flex-col gap-1 text-sm font-medium">
            App
            <select className={selectClass} value={filters.app} onChange={update("app")}>
              <option value="">All apps</option>
              {balance.data?.apps.map((app) => (
                <option key={app.appId} value={app.appId}>
                  {app.appName}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Type
            <select className={selectClass} value={filters.type} onChange={update("type")}>
              <option value="">All types</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            From
            <input
              type="date"
              className={selectClass}
              value={filters.from}
              onChange={update("from")}
            />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            To
            <input type="date" className={selectClass} value={filters.to} onChange={update("to")} />
          </label>
        </fieldset>
      </Card>
      <Card aria-live="polite" aria-busy={history.isFetching}>
        {history.isError ? (
          <Alert>{describeError(history.error).message}</Alert>
        ) : history.isPending ? (
          <div className="flex flex-col gap-3">
            <Skeleton className="h-10" />
            <Skeleton className="h-10" />
            <Skeleton className="h-10" />
          </div>
        ) : entries.length === 0 ? (
          <EmptyState title="No entries match these filters">
            Try another app, type or date range.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100" data-testid="history-list">
            {entries.map((entry) => (
              <EntryRow key={entry.id} entry={entry} showApp />
            ))}
          </ul>
        )}
        <div ref={sentinel} />
        {hasNextPage && (
          <div className="mt-4 flex justify-center">
            <Button variant="secondary" busy={isFetchingNextPage} onClick={() => fetchNextPage()}>
              Load more
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
