"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Badge,
  Button,
  Card,
  cn,
  EmptyState,
  FilterInput,
  formatDateTime,
  Select,
  Skeleton,
  useToast,
} from "@credits/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useId, useState } from "react";

type StripeEvent = RouterOutputs["admin"]["stripeEvents"]["list"]["events"][number];
type Status = StripeEvent["status"];

const statusLabels: Record<Status, string> = {
  FAILED: "Failed",
  PROCESSED: "Processed",
  IGNORED: "Ignored",
};
const statusTones = {
  FAILED: "error",
  PROCESSED: "success",
  IGNORED: "neutral",
} as const satisfies Record<Status, string>;

/** The event as Stripe sent it, fetched when its row is opened. */
function EventPayload({ eventId }: { eventId: string }) {
  const trpc = useTRPC();
  const event = useQuery(trpc.admin.stripeEvents.get.queryOptions({ eventId }));
  if (event.isError) return <Alert>{describeError(event.error).message}</Alert>;
  if (!event.data) return <Skeleton className="h-32" />;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-zinc-600">
        Created by Stripe {formatDateTime(event.data.eventCreatedAt)}
        {event.data.processedAt && ` · last processed ${formatDateTime(event.data.processedAt)}`}
      </p>
      <pre
        className="max-h-96 overflow-auto rounded-lg bg-zinc-900 p-3 font-mono text-xs text-zinc-100"
        data-testid="stripe-event-payload"
      >
        {event.data.payload}
      </pre>
    </div>
  );
}

function EventRow({ event }: { event: StripeEvent }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const payloadId = useId();
  const retry = useMutation(
    trpc.admin.stripeEvents.retry.mutationOptions({
      onSuccess: async (result) => {
        const note = result.note ? `: ${result.note}` : ".";
        if (result.status === "FAILED") toast.error(`The retry failed again${note}`);
        else toast.success(`Retried and ${statusLabels[result.status].toLowerCase()}${note}`);
        // Which user an event concerns is known only once it is processed, so every user's page
        // may have changed, besides the events themselves and the overview's counts.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.admin.stripeEvents.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.overview.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() }),
        ]);
      },
      onError: (error) => toast.error(describeError(error).message),
    }),
  );
  return (
    <li className="py-3" data-testid="stripe-event">
      <div className="flex flex-wrap items-start justify-between gap-3">
        {/* Wide enough that on a phone the buttons wrap below instead of squeezing the text. */}
        <div className="min-w-0 flex-1 basis-64">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-sm font-semibold wrap-anywhere">{event.type}</span>
            <Badge tone={statusTones[event.status]}>{statusLabels[event.status]}</Badge>
          </p>
          <p className="mt-0.5 text-xs text-zinc-600">
            Received {formatDateTime(event.receivedAt)} ·{" "}
            {event.attempts === 1 ? "1 attempt" : `${event.attempts} attempts`} ·{" "}
            {event.userId && event.userEmail ? (
              <Link href={`/users/${event.userId}`} className="text-brand-700 underline">
                {event.userEmail}
              </Link>
            ) : (
              "no user"
            )}{" "}
            · <span className="font-mono wrap-anywhere">{event.id}</span>
          </p>
          {event.error && (
            <p
              className={cn(
                "mt-1 text-sm",
                event.status === "FAILED" ? "text-red-700" : "text-zinc-700",
              )}
            >
              {event.error}
            </p>
          )}
        </div>
        <div className="flex gap-2">
          {event.status === "FAILED" && (
            <Button
              busy={retry.isPending}
              onClick={() => retry.mutate({ eventId: event.id })}
              aria-label={`Retry ${event.type} ${event.id}`}
            >
              Retry
            </Button>
          )}
          <Button
            variant="secondary"
            aria-expanded={open}
            aria-controls={payloadId}
            onClick={() => setOpen(!open)}
          >
            {open ? "Hide payload" : "Show payload"}
          </Button>
        </div>
      </div>
      <div id={payloadId} className={open ? "mt-3" : undefined}>
        {open && <EventPayload eventId={event.id} />}
      </div>
    </li>
  );
}

/** Received Stripe webhook events, newest first, with their payloads and a retry for failures. */
export function StripeEvents({ initialStatus }: { initialStatus?: Status }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">(initialStatus ?? "");
  const [type, setType] = useState("");
  const deferredType = useDeferredValue(type.trim());
  const events = useInfiniteQuery(
    trpc.admin.stripeEvents.list.infiniteQueryOptions(
      { status: status || undefined, type: deferredType || undefined, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = status !== "" || deferredType !== "";
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Stripe events</h1>
        <div className="flex flex-wrap items-end gap-3">
          <Select
            label="Status"
            value={status}
            onChange={(event) => setStatus(event.target.value as Status | "")}
          >
            <option value="">All</option>
            {(["FAILED", "PROCESSED", "IGNORED"] as const).map((value) => (
              <option key={value} value={value}>
                {statusLabels[value]}
              </option>
            ))}
          </Select>
          <FilterInput
            label="Type"
            type="search"
            value={type}
            maxLength={100}
            placeholder="e.g. invoice.paid"
            onChange={(event) => setType(event.target.value)}
          />
        </div>
      </div>
      <Card>
        {events.isError ? (
          <Alert>{describeError(events.error).message}</Alert>
        ) : events.isPending ? (
          <Skeleton className="h-32" />
        ) : rows.length === 0 ? (
          filtered ? (
            <EmptyState title="No events match these filters">
              Choose another status, or give the exact type (e.g. invoice.paid).
            </EmptyState>
          ) : (
            <EmptyState title="No Stripe events received yet">
              Events appear here as Stripe delivers them to the webhook.
            </EmptyState>
          )
        ) : (
          <ul className="divide-y divide-zinc-100" data-testid="stripe-events">
            {rows.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </ul>
        )}
        {events.hasNextPage && (
          <div className="mt-4 flex justify-center">
            <Button
              variant="secondary"
              busy={events.isFetchingNextPage}
              onClick={() => events.fetchNextPage()}
            >
              Load more
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
