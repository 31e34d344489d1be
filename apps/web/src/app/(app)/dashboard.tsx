"use client";

import { EntryRow, useTRPC } from "@credits/credits/react";
import {
  BarChart,
  Card,
  CardTitle,
  EmptyState,
  formatCredits,
  formatNumber,
  LocalDate,
  Skeleton,
} from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

export function Dashboard() {
  const trpc = useTRPC();
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const grants = useQuery(trpc.credits.grants.queryOptions());
  const recent = useQuery(trpc.credits.history.queryOptions({ limit: 8 }));
  const spending = useQuery(trpc.credits.spendingByDay.queryOptions({ days: 30 }));
  const spentThisMonth = (spending.data ?? []).reduce((sum, day) => sum + day.spent, 0);
  const expiring = (grants.data ?? []).filter((grant) => grant.expiresAt);

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="balance-heading" className="grid gap-4 sm:grid-cols-3">
        <Card className="sm:col-span-2">
          <h1 id="balance-heading" className="text-sm font-medium text-zinc-600">
            Available credits
          </h1>
          {balance.data ? (
            <p
              className="mt-1 text-4xl font-bold break-all tabular-nums"
              data-testid="available-balance"
            >
              {formatNumber(balance.data.available)}
            </p>
          ) : (
            <Skeleton className="mt-2 h-10 w-40" />
          )}
          {balance.data && balance.data.held > 0 && (
            <p className="mt-1 text-sm text-zinc-600">
              {formatCredits(balance.data.held)} on hold · {formatCredits(balance.data.total)} in
              total
            </p>
          )}
          {balance.data?.total === 0 && (
            // A new account's "0" says what to do next.
            <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
              <span className="text-zinc-600">No credits yet.</span>
              <Link
                href="/billing"
                className="rounded-lg bg-brand-600 px-3 py-2 font-semibold text-white hover:bg-brand-700"
              >
                Buy credits
              </Link>
              <Link href="/billing" className="font-semibold text-brand-700 hover:underline">
                Upgrade for a monthly allowance
              </Link>
            </div>
          )}
        </Card>
        <Card>
          <CardTitle>By app</CardTitle>
          {balance.data ? (
            balance.data.apps.length === 0 ? (
              <p className="text-sm text-zinc-600">No credits yet.</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {balance.data.apps.map((app) => (
                  <li key={app.appId} className="flex justify-between gap-2">
                    <span>{app.appName}</span>
                    <span className="font-semibold tabular-nums">
                      {formatNumber(app.available)}
                    </span>
                  </li>
                ))}
              </ul>
            )
          ) : (
            <Skeleton className="h-12" />
          )}
        </Card>
      </section>

      <Card>
        <CardTitle
          action={
            <span className="text-sm text-zinc-600">{formatCredits(spentThisMonth)} spent</span>
          }
        >
          Spending, last 30 days
        </CardTitle>
        {spending.data ? (
          <BarChart
            label="Credits spent per day over the last 30 days"
            data={spending.data.map((day) => ({ day: day.day, value: day.spent }))}
            empty="You have not spent any credits in the last 30 days."
          />
        ) : (
          <Skeleton className="h-44" />
        )}
      </Card>

      {/* One column of minmax(0, 1fr) below lg: a long entry truncates instead of widening the page. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle
            action={
              <Link
                href="/history"
                className="text-sm font-semibold text-brand-600 hover:underline"
              >
                All history
              </Link>
            }
          >
            Recent activity
          </CardTitle>
          {recent.data ? (
            recent.data.entries.length === 0 ? (
              <EmptyState title="Nothing here yet">
                Credits you receive and spend will show up here.{" "}
                <Link href="/billing" className="font-semibold text-brand-700 underline">
                  Get your first credits
                </Link>
              </EmptyState>
            ) : (
              <ul className="divide-y divide-zinc-100">
                {recent.data.entries.map((entry) => (
                  <EntryRow key={entry.id} entry={entry} />
                ))}
              </ul>
            )
          ) : (
            <Skeleton className="h-40" />
          )}
        </Card>
        <Card>
          <CardTitle>Expiring credits</CardTitle>
          {grants.data ? (
            expiring.length === 0 ? (
              <EmptyState
                title={
                  grants.data.length === 0 ? "No credits to expire" : "None of your credits expire"
                }
              >
                {grants.data.length === 0 &&
                  "Credits from plans and promotions that expire will be listed here with their dates."}
              </EmptyState>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm">
                {expiring.map((grant) => (
                  <li key={grant.id} className="flex justify-between gap-3 py-2">
                    <span>{formatCredits(grant.remaining)}</span>
                    <span className="text-zinc-600">
                      expire <LocalDate value={grant.expiresAt ?? new Date()} style="date" />
                    </span>
                  </li>
                ))}
              </ul>
            )
          ) : (
            <Skeleton className="h-24" />
          )}
        </Card>
      </div>
    </div>
  );
}
