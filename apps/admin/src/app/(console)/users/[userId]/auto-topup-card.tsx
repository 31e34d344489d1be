"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Badge,
  Card,
  CardTitle,
  EmptyState,
  formatCredits,
  formatDateTime,
  formatDollars,
  Skeleton,
} from "@credits/ui";
import { useQuery } from "@tanstack/react-query";

const statusTones = { pending: "warning", succeeded: "success", failed: "error" } as const;

/** The user's auto top-up, read-only: the settings, the saved card and every recent charge. */
export function AutoTopupCard({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.admin.users.autoTopup.queryOptions({ userId }));
  if (query.isError) return <Alert>{describeError(query.error).message}</Alert>;
  if (!query.data) return <Skeleton className="h-32" />;
  const { settings, attempts } = query.data;
  return (
    <Card data-testid="auto-topup-card">
      <CardTitle>Auto top-up</CardTitle>
      <p className="text-sm">
        {settings.enabled ? "On" : "Off"}
        {settings.belowCredits !== null &&
          ` · below ${formatCredits(settings.belowCredits)} buys ${settings.packId}, at most ${formatCredits(settings.monthlyCapCredits ?? 0)} a month`}
      </p>
      <p className="text-sm text-zinc-600">
        {settings.card
          ? `Card ${settings.card.brand} •••• ${settings.card.last4}`
          : "No saved card"}
        {` · ${formatCredits(settings.boughtThisMonth)} bought this month`}
      </p>
      {settings.disabledReason && (
        <p className="mt-2 text-sm text-red-800">Turned off: {settings.disabledReason}</p>
      )}
      {attempts.length === 0 ? (
        <div className="mt-3">
          <EmptyState title="No auto top-up charges yet" />
        </div>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-100 text-sm">
          {attempts.map((attempt) => (
            <li
              key={attempt.id}
              className="flex flex-wrap items-center justify-between gap-2 py-1.5"
            >
              <span>
                {formatDateTime(attempt.createdAt)} · {formatCredits(attempt.credits)} for{" "}
                {formatDollars(attempt.amountCents)}
                {attempt.failureMessage && ` · ${attempt.failureCode}: ${attempt.failureMessage}`}
              </span>
              <Badge tone={statusTones[attempt.status]}>{attempt.status}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
