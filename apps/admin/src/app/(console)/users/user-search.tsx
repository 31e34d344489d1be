"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, plans, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Card,
  DataTable,
  type DataTableColumn,
  dateColumn,
  EmptyState,
  FilterInput,
  formatNumber,
  type TableSort,
} from "@credits/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";

type UserRow = RouterOutputs["admin"]["users"]["search"]["users"][number];
type UserSort = TableSort<"email" | "createdAt">;

const columns: DataTableColumn<UserRow>[] = [
  {
    id: "email",
    header: "User",
    sortFirst: "asc",
    className: "min-w-56",
    cell: (user) => (
      <div className="min-w-0">
        <Link
          href={`/users/${user.id}`}
          className="font-semibold break-all text-brand-600 hover:underline"
        >
          {user.email ?? `Customer ${user.externalId ?? user.id}`}
        </Link>
        <p className="text-xs text-zinc-500">
          {user.name ?? "No name"}
          {user.externalId && ` · external id ${user.externalId}`}
        </p>
      </div>
    ),
  },
  {
    id: "plan",
    header: "Plan",
    className: "whitespace-nowrap",
    cell: (user) => plans[user.tier].name,
  },
  {
    id: "available",
    header: "Available credits",
    align: "end",
    className: "whitespace-nowrap tabular-nums",
    cell: (user) => formatNumber(user.available),
  },
  dateColumn("createdAt", "Joined", (user) => user.createdAt, "date"),
  {
    id: "role",
    header: "Role",
    className: "whitespace-nowrap",
    cell: (user) =>
      user.role === "ADMIN" ? (
        <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-700">
          Admin
        </span>
      ) : (
        "User"
      ),
  },
];

export function UserSearch() {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<UserSort>({ column: "email", order: "asc" });
  const deferredQuery = useDeferredValue(query);
  const results = useInfiniteQuery(
    trpc.admin.users.search.infiniteQueryOptions(
      { query: deferredQuery, sort: sort.column, order: sort.order, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
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
          <Alert>{describeError(results.error).message}</Alert>
        ) : (
          <DataTable
            label="Users"
            columns={columns}
            rows={results.data?.pages.flatMap((page) => page.users) ?? []}
            getRowId={(user) => user.id}
            sort={sort}
            onSortChange={setSort}
            loading={results.isPending}
            pages={results}
            empty={
              <EmptyState title="No users match">
                Try the start of an email address or a name.
              </EmptyState>
            }
            testId="user-results"
          />
        )}
      </Card>
    </div>
  );
}
