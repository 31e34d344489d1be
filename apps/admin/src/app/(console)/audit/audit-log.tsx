"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  Card,
  EmptyState,
  FilterInput,
  formatDateTime,
  Select,
  Skeleton,
} from "@credits/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

const actions = [
  "credits.grant",
  "credits.debit",
  "credits.bulk_grant",
  "credits.threshold",
  "purchase.refund",
  "user.role",
  "user.sessions_ended",
  "subscription.tier",
  "subscription.cancel",
  "subscription.cancel_at_period_end",
  "subscription.resume",
  "stripe_event.retry",
  "customer.create",
  "customer.update",
  "user.sign_in_link_created",
  "credits.threshold",
  "token.create",
  "token.revoke",
];

function changes(before: unknown, after: unknown): string {
  const was = (before ?? {}) as Record<string, unknown>;
  const now = (after ?? {}) as Record<string, unknown>;
  return Object.keys(now)
    .filter((key) => key in was && was[key] !== now[key])
    .map((key) => `${key}: ${String(was[key])} → ${String(now[key])}`)
    .join(", ");
}

export function AuditLog() {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const targetUserId = searchParams.get("user") ?? undefined;
  const actorTokenId = searchParams.get("token") ?? undefined;
  const [action, setAction] = useState("");
  // The actor filter applies once the typed address is a whole one, not at every keystroke.
  const [actorEmail, setActorEmail] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const log = useInfiniteQuery(
    trpc.admin.audit.list.infiniteQueryOptions(
      {
        action: action || undefined,
        actorEmail: actorEmail || undefined,
        actorTokenId,
        targetUserId,
        from: from ? new Date(`${from}T00:00:00`) : undefined,
        to: to ? new Date(`${to}T23:59:59.999`) : undefined,
        limit: 50,
      },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const filtered = Boolean(action || actorEmail || from || to);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Audit log</h1>
        <div className="flex flex-wrap items-end gap-3">
          <FilterInput
            label="From"
            type="date"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
          <FilterInput
            label="To"
            type="date"
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
          <FilterInput
            label="Actor email"
            type="email"
            placeholder="admin@example.com"
            onChange={(event) =>
              setActorEmail(event.target.validity.valid ? event.target.value.trim() : "")
            }
          />
          <Select label="Action" value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">All actions</option>
            {actions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </div>
      </div>
      {(targetUserId || actorTokenId) && (
        <p className="text-sm text-zinc-600">
          {targetUserId
            ? "Showing entries about one user."
            : "Showing one service token's actions."}{" "}
          <Link href="/audit" className="font-semibold text-brand-600 hover:underline">
            Show all
          </Link>
        </p>
      )}
      <Card>
        {log.isError ? (
          <Alert>{describeError(log.error).message}</Alert>
        ) : log.isPending ? (
          <Skeleton className="h-32" />
        ) : entries.length === 0 ? (
          filtered ? (
            <EmptyState title="No entries match these filters">
              {actorEmail
                ? `No action by ${actorEmail} matches these filters.`
                : "Widen the dates or choose another action."}
            </EmptyState>
          ) : (
            <EmptyState title="Nothing recorded yet">
              Every operator action, and what service tokens change in plans and customers, will
              appear here.
            </EmptyState>
          )
        ) : (
          <ul className="divide-y divide-zinc-100" data-testid="audit-entries">
            {entries.map((entry) => (
              <li key={entry.id} className="py-3 text-sm">
                <p>
                  <span className="font-semibold">{entry.action}</span> by{" "}
                  {entry.actorToken ? (
                    <Link
                      href={`/audit?token=${entry.actorToken.id}`}
                      className="text-brand-700 underline"
                    >
                      token {entry.actorToken.name}
                    </Link>
                  ) : (
                    entry.actor?.email
                  )}
                  {entry.recordedBy && <> (recorded by {entry.recordedBy})</>}
                  {entry.targetUser && (
                    <>
                      {" "}
                      on{" "}
                      <Link
                        href={`/users/${entry.targetUser.id}`}
                        className="text-brand-700 underline"
                      >
                        {/* A customer another backend created may have no email yet. */}
                        {entry.targetUser.email ?? entry.targetUser.id}
                      </Link>
                    </>
                  )}
                </p>
                <p className="text-xs text-zinc-600">
                  {formatDateTime(entry.createdAt)} · {changes(entry.before, entry.after)}
                  {entry.reason && ` · “${entry.reason}”`}
                </p>
              </li>
            ))}
          </ul>
        )}
        {log.hasNextPage && (
          <div className="mt-4 flex justify-center">
            <Button
              variant="secondary"
              busy={log.isFetchingNextPage}
              onClick={() => log.fetchNextPage()}
            >
              Load more
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
