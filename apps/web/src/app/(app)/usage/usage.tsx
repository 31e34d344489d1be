"use client";

import type { QuotaStatus } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  BarChart,
  Card,
  CardTitle,
  cn,
  formatCredits,
  formatNumber,
  LocalDate,
  Skeleton,
} from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";

function QuotaBar({ quota }: { quota: QuotaStatus }) {
  const share = quota.limit ? Math.min(1, quota.used / quota.limit) : 0;
  const labelId = useId();
  return (
    <li className="flex flex-col gap-1.5" data-testid={`quota-${quota.feature}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span id={labelId} className="font-medium">
          {quota.label}
        </span>
        <span className="text-sm tabular-nums text-zinc-700">
          {quota.kind === "metered"
            ? `${formatNumber(quota.used)} used · ${formatCredits(quota.creditsPerUnit ?? 0)} each`
            : quota.limit === null
              ? `${formatNumber(quota.used)} used · unlimited`
              : `${formatNumber(quota.used)} of ${formatNumber(quota.limit)}`}
        </span>
      </div>
      {quota.kind === "quota" && quota.limit !== null && (
        <div
          role="progressbar"
          aria-labelledby={labelId}
          aria-valuemin={0}
          aria-valuemax={quota.limit}
          aria-valuenow={Math.min(quota.used, quota.limit)}
          className="h-2.5 overflow-hidden rounded-full bg-zinc-100"
        >
          <div
            className={cn(
              "h-full rounded-full",
              share >= 1 ? "bg-red-500" : share >= 0.8 ? "bg-amber-500" : "bg-brand-600",
            )}
            style={{ width: `${Math.max(share * 100, quota.used > 0 ? 2 : 0)}%` }}
          />
        </div>
      )}
      {quota.kind === "quota" && quota.limit !== null && quota.used >= quota.limit && (
        <p className="text-xs text-red-700">
          Used up until <LocalDate value={quota.resetsAt} style="date" />.{" "}
          <Link href="/billing" className="font-semibold underline">
            Upgrade for more
          </Link>
        </p>
      )}
    </li>
  );
}

function DailyUsage({ quotas }: { quotas: QuotaStatus[] }) {
  const trpc = useTRPC();
  const byDay = useQuery(trpc.usage.byDay.queryOptions({ days: 30 }));
  const [chosen, setFeature] = useState<QuotaStatus["feature"] | null>(null);
  const selectId = useId();
  // Until the viewer picks one, the chart shows the first feature that has use in the period, so
  // the page does not open on an empty chart while another feature has data.
  const feature =
    chosen ??
    quotas.find((quota) => byDay.data?.some((row) => row.feature === quota.feature))?.feature ??
    quotas[0]?.feature ??
    "reports";
  const selected = quotas.find((quota) => quota.feature === feature);
  const days = Array.from({ length: 30 }, (_, index) => {
    const day = new Date(Date.now() - (29 - index) * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.data?.find((item) => item.day === day && item.feature === feature);
    return { day, value: row?.quantity ?? 0 };
  });
  const unit = selected?.unit ?? "use";
  return (
    <Card>
      <CardTitle
        action={
          <div className="flex items-center gap-2 text-sm">
            <label htmlFor={selectId} className="text-zinc-600">
              Feature
            </label>
            <select
              id={selectId}
              value={feature}
              onChange={(event) => setFeature(event.target.value as typeof feature)}
              className="rounded-md border-zinc-300 py-1 text-sm"
            >
              {quotas.map((quota) => (
                <option key={quota.feature} value={quota.feature}>
                  {quota.label}
                </option>
              ))}
            </select>
          </div>
        }
      >
        Last 30 days
      </CardTitle>
      {byDay.isError ? (
        <Alert>{describeError(byDay.error).message}</Alert>
      ) : !byDay.data ? (
        <Skeleton className="h-44" />
      ) : (
        <BarChart
          data={days}
          label={`${selected?.label ?? feature} per day, last 30 days`}
          empty={`No ${selected?.label.toLowerCase() ?? "use"} in the last 30 days. Use shows up here day by day.`}
          unit={{ one: unit, other: `${unit}s` }}
        />
      )}
    </Card>
  );
}

export function Usage() {
  const trpc = useTRPC();
  const quotas = useQuery(trpc.subscriptions.quotas.queryOptions());
  const subscription = useQuery(trpc.subscriptions.get.queryOptions());
  const resetsAt = quotas.data?.[0]?.resetsAt;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Usage</h1>
        {subscription.data && (
          <p className="text-sm text-zinc-600">
            Plan:{" "}
            <span className="font-semibold text-zinc-900">
              {subscription.data.tier.charAt(0) + subscription.data.tier.slice(1).toLowerCase()}
            </span>
            {resetsAt && (
              <>
                {" "}
                · resets on <LocalDate value={resetsAt} style="date" />
              </>
            )}{" "}
            ·{" "}
            <Link href="/billing" className="font-semibold text-brand-700 underline">
              Change plan
            </Link>
          </p>
        )}
      </div>
      <Card>
        <CardTitle>This period</CardTitle>
        {quotas.isError ? (
          <Alert>{describeError(quotas.error).message}</Alert>
        ) : !quotas.data ? (
          <Skeleton className="h-40" />
        ) : (
          <ul className="flex flex-col gap-5">
            {quotas.data.map((quota) => (
              <QuotaBar key={quota.feature} quota={quota} />
            ))}
          </ul>
        )}
      </Card>
      {quotas.data && <DailyUsage quotas={quotas.data} />}
    </div>
  );
}
