"use client";

import { useTRPC } from "@credits/credits/react";
import { Alert, Button, Card, EmptyState, FilterInput, formatDate, Skeleton } from "@credits/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";

export function UserSearch() {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const results = useInfiniteQuery(
    trpc.admin.users.search.infiniteQueryOptions(
      { query: deferredQuery, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const users = results.data?.pages.flatMap((page) => page.users) ?? [];
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Users</h1>
      <FilterInput
        label="Search by email, name or id"
        type="search"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        placeholder="e.g. user@example.com"
      />
      <Card aria-live="polite">
        {results.isError ? (
          <Alert>{results.error.message}</Alert>
        ) : results.isPending ? (
          <Skeleton className="h-24" />
        ) : users.length === 0 ? (
          <EmptyState title="No users match">
            Try the start of an email address or a name.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100" data-testid="user-results">
            {users.map((user) => (
              <li key={user.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div className="min-w-0">
                  <Link
                    href={`/users/${user.id}`}
                    className="font-semibold text-brand-600 hover:underline"
                  >
                    {user.email ?? `Customer ${user.externalId ?? user.id}`}
                  </Link>
                  <p className="text-xs text-zinc-500">
                    {user.name ?? "No name"} · joined {formatDate(user.createdAt)}
                    {user.externalId && ` · external id ${user.externalId}`}
                  </p>
                </div>
                {user.role === "ADMIN" && (
                  <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-700">
                    Admin
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {results.hasNextPage && (
          <div className="mt-4 flex justify-center">
            <Button
              variant="secondary"
              busy={results.isFetchingNextPage}
              onClick={() => results.fetchNextPage()}
            >
              Load more
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
