"use client";

import type { Plan, Tier } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  BarChart,
  Button,
  Card,
  CardTitle,
  EmptyState,
  formatCredits,
  formatDate,
  formatNumber,
  Skeleton,
} from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

const series = [
  { key: "granted", title: "Granted" },
  { key: "spent", title: "Spent" },
  { key: "expired", title: "Expired" },
  { key: "refunded", title: "Refunded" },
] as const;

export function Overview({ plans }: { plans: Record<Tier, Plan> }) {
  const trpc = useTRPC();
  const [days, setDays] = useState<30 | 90>(30);
  const overview = useQuery(trpc.admin.overview.queryOptions({ days }));
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Overview</h1>
        <fieldset className="flex gap-2">
          <legend className="sr-only">Period</legend>
          {([30, 90] as const).map((option) => (
            <Button
              key={option}
              variant={days === option ? "primary" : "secondary"}
              aria-pressed={days === option}
              onClick={() => setDays(option)}
            >
              Last {option} days
            </Button>
          ))}
        </fieldset>
      </div>
      {overview.isError && <Alert>{describeError(overview.error).message}</Alert>}
      <Card>
        <CardTitle>Outstanding credit liability</CardTitle>
        {overview.data ? (
          <p>
            <span className="text-3xl font-bold break-all tabular-nums" data-testid="liability">
              {formatNumber(overview.data.liability.outstanding)}
            </span>{" "}
            unexpired credits held by {formatNumber(overview.data.liability.accountsWithCredits)}{" "}
            accounts
          </p>
        ) : (
          <Skeleton className="h-10 w-64" />
        )}
      </Card>
      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <CardTitle>Active subscriptions</CardTitle>
          {overview.data ? (
            <dl className="grid grid-cols-3 gap-3" data-testid="subscriptions-by-tier">
              {(
                [
                  [plans.PRO.name, overview.data.billing.subscriptionsByTier.PRO],
                  [plans.PREMIUM.name, overview.data.billing.subscriptionsByTier.PREMIUM],
                  ["Past due", overview.data.billing.pastDue],
                ] as const
              ).map(([label, count]) => (
                <div key={label}>
                  <dt className="text-sm text-zinc-600">{label}</dt>
                  <dd className="text-2xl font-bold tabular-nums">{formatNumber(count)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <Skeleton className="h-14" />
          )}
        </Card>
        <Card>
          <CardTitle>Failed Stripe events</CardTitle>
          {overview.data ? (
            <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <span className="text-2xl font-bold tabular-nums" data-testid="failed-stripe-events">
                {formatNumber(overview.data.billing.failedStripeEvents)}
              </span>
              {overview.data.billing.failedStripeEvents > 0 ? (
                <Link
                  href="/stripe-events?status=FAILED"
                  className="text-sm font-semibold text-brand-600 hover:underline"
                >
                  Review and retry
                </Link>
              ) : (
                <span className="text-sm text-zinc-600">
                  Every event was processed or ignored.{" "}
                  <Link href="/stripe-events" className="text-brand-700 underline">
                    All events
                  </Link>
                </span>
              )}
            </p>
          ) : (
            <Skeleton className="h-14" />
          )}
        </Card>
      </div>
      <Card>
        <CardTitle>Credits that could not be taken back</CardTitle>
        <p className="mb-3 text-sm text-zinc-600">
          The latest refunded or disputed payments (up to ten) whose credits had already been spent:
          settle these with the user.
        </p>
        {!overview.data ? (
          <Skeleton className="h-20" />
        ) : overview.data.billing.shortfalls.length === 0 ? (
          <EmptyState title="Nothing outstanding">
            Every refund and dispute took back all of its credits.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100 text-sm" data-testid="shortfalls">
            {overview.data.billing.shortfalls.map((shortfall) => (
              <li key={shortfall.paymentId} className="flex flex-wrap justify-between gap-x-3 py-2">
                <Link
                  href={`/users/${shortfall.userId}`}
                  className="break-all text-brand-600 hover:underline"
                >
                  {shortfall.email}
                </Link>
                <span className="tabular-nums">
                  {formatCredits(shortfall.credits)} ·{" "}
                  <span className="text-zinc-600">{formatDate(shortfall.updatedAt)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {overview.data && overview.data.billing.secondSubscriptions.length > 0 && (
        <Card>
          <CardTitle>Customers with two Stripe subscriptions</CardTitle>
          <p className="mb-3 text-sm text-zinc-600">
            Stripe bills each of these users for a second subscription besides the one in use, which
            alone sets their plan and grants credits. Cancel (and refund) one of them in Stripe; it
            leaves this list when Stripe reports it canceled.
          </p>
          <ul className="divide-y divide-zinc-100 text-sm" data-testid="second-subscriptions">
            {overview.data.billing.secondSubscriptions.map((second) => (
              <li
                key={second.stripeSubscriptionId}
                className="flex flex-wrap justify-between gap-x-3 py-2"
              >
                <Link
                  href={`/users/${second.userId}`}
                  className="break-all text-brand-600 hover:underline"
                >
                  {second.email}
                </Link>
                <span className="break-all text-zinc-700">
                  <code>{second.stripeSubscriptionId}</code> ({second.status}) besides{" "}
                  <code>{second.inUse}</code> ·{" "}
                  <span className="text-zinc-600">{formatDate(second.seenAt)}</span>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="grid gap-6 md:grid-cols-2">
        {series.map(({ key, title }) => {
          const total = overview.data?.flows.reduce((sum, day) => sum + day[key], 0) ?? 0;
          return (
            <Card key={key}>
              <CardTitle
                action={<span className="text-sm text-zinc-600">{formatCredits(total)}</span>}
              >
                {title}
              </CardTitle>
              {overview.data ? (
                <BarChart
                  label={`Credits ${title.toLowerCase()} per day over the last ${days} days`}
                  data={overview.data.flows.map((day) => ({ day: day.day, value: day[key] }))}
                  empty={`No credits ${title.toLowerCase()} in the last ${days} days.`}
                />
              ) : (
                <Skeleton className="h-44" />
              )}
            </Card>
          );
        })}
      </div>
    </div>
  );
}
