"use client";

import {
  describeError,
  emptyHistoryFilter,
  type HistoryFilterFields,
  HistoryFilters,
  historyFilterOf,
  historyFilterSearchParams,
  isHistoryFiltered,
  LedgerTable,
  NoMatchingEntries,
  useTRPC,
} from "@credits/credits/react";
import { Alert, Card, EmptyState, type SortOrder } from "@credits/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

export function History() {
  const trpc = useTRPC();
  const [fields, setFields] = useState<HistoryFilterFields>(emptyHistoryFilter);
  const [order, setOrder] = useState<SortOrder>("desc");
  const balance = useQuery(trpc.credits.balance.queryOptions());
  // The list and the export link are built from this one filter, so the CSV is what is on screen.
  const filter = historyFilterOf(fields);
  const history = useInfiniteQuery(
    trpc.credits.history.infiniteQueryOptions(
      { ...filter, order, limit: 25 },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
      },
    ),
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

  const exportParams = historyFilterSearchParams(filter);
  const entries = history.data?.pages.flatMap((page) => page.entries) ?? [];

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
        <HistoryFilters value={fields} onChange={setFields} apps={balance.data?.apps} />
      </Card>
      <Card aria-live="polite">
        {history.isError ? (
          <Alert>{describeError(history.error).message}</Alert>
        ) : (
          <LedgerTable
            entries={entries}
            order={order}
            onOrderChange={setOrder}
            loading={history.isPending}
            pages={history}
            empty={
              isHistoryFiltered(fields) ? (
                <NoMatchingEntries />
              ) : (
                <EmptyState title="No activity yet">
                  Credits you receive, spend or send will show up here.
                </EmptyState>
              )
            }
            testId="history-list"
          />
        )}
        <div ref={sentinel} />
      </Card>
    </div>
  );
}
