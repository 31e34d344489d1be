"use client";

import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import {
  Alert,
  BarChart,
  Button,
  Card,
  CardTitle,
  formatCredits,
  formatDate,
  Skeleton,
} from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

const series = [
  { key: "granted", title: "Granted" },
  { key: "spent", title: "Spent" },
  { key: "expired", title: "Expired" },
  { key: "refunded", title: "Refunded" },
] as const;

export function Overview() {
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
            <span className="text-3xl font-bold tabular-nums" data-testid="liability">
              {overview.data.liability.outstanding.toLocaleString("en-US")}
            </span>{" "}
            unexpired credits held by{" "}
            {overview.data.liability.accountsWithCredits.toLocaleString("en-US")} accounts
          </p>
        ) : (
          <Skeleton className="h-10 w-64" />
        )}
      </Card>
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
                  data={overview.data.flows.map((day) => ({
                    key: day.day,
                    label: formatDate(new Date(`${day.day}T00:00:00Z`)),
                    value: day[key],
                  }))}
                  valueLabel={(value) => formatCredits(value)}
                />
              ) : (
                <Skeleton className="h-32" />
              )}
            </Card>
          );
        })}
      </div>
    </div>
  );
}
