"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Badge,
  Button,
  Card,
  cn,
  DataTable,
  type DataTableColumn,
  dateColumn,
  EmptyState,
  FilterInput,
  formatDateTime,
  Select,
  Skeleton,
  type SortOrder,
  useToast,
} from "@credits/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useMemo, useState } from "react";

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

/** Retry (for a failed event) and the payload's toggle: small, so the row's facts lead. */
function EventActions({
  event,
  open,
  onToggle,
}: {
  event: StripeEvent;
  open: boolean;
  onToggle: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
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
    <div className="flex justify-end gap-2">
      {event.status === "FAILED" && (
        <Button
          size="sm"
          busy={retry.isPending}
          onClick={() => retry.mutate({ eventId: event.id })}
          aria-label={`Retry ${event.type} ${event.id}`}
        >
          Retry
        </Button>
      )}
      <Button
        size="sm"
        variant="secondary"
        aria-expanded={open}
        aria-controls={payloadId(event.id)}
        onClick={onToggle}
      >
        {open ? "Hide payload" : "Show payload"}
      </Button>
    </div>
  );
}

const payloadId = (eventId: string) => `payload-${eventId}`;

function eventColumns(
  isOpen: (eventId: string) => boolean,
  toggle: (eventId: string) => void,
): DataTableColumn<StripeEvent>[] {
  return [
    dateColumn("receivedAt", "Received", (event) => event.receivedAt),
    {
      id: "type",
      header: "Event",
      className: "min-w-56",
      cell: (event) => (
        <>
          <p className="font-mono font-semibold wrap-anywhere">{event.type}</p>
          <p className="font-mono text-xs text-zinc-500 wrap-anywhere">{event.id}</p>
          {event.error && (
            <p className={cn("mt-1", event.status === "FAILED" ? "text-red-700" : "text-zinc-700")}>
              {event.error}
            </p>
          )}
        </>
      ),
    },
    {
      id: "status",
      header: "Status",
      className: "whitespace-nowrap",
      cell: (event) => <Badge tone={statusTones[event.status]}>{statusLabels[event.status]}</Badge>,
    },
    {
      id: "attempts",
      header: "Attempts",
      align: "end",
      className: "whitespace-nowrap tabular-nums",
      cell: (event) => (event.attempts === 1 ? "1 attempt" : `${event.attempts} attempts`),
    },
    {
      id: "user",
      header: "User",
      className: "min-w-40",
      cell: (event) =>
        event.userId && event.userEmail ? (
          <Link href={`/users/${event.userId}`} className="break-all text-brand-700 underline">
            {event.userEmail}
          </Link>
        ) : (
          <span className="text-zinc-500">no user</span>
        ),
    },
    {
      id: "actions",
      header: "Actions",
      align: "end",
      className: "whitespace-nowrap",
      cell: (event) => (
        <EventActions event={event} open={isOpen(event.id)} onToggle={() => toggle(event.id)} />
      ),
    },
  ];
}

/** Received Stripe webhook events, newest first, with their payloads and a retry for failures. */
export function StripeEvents({ initialStatus }: { initialStatus?: Status }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">(initialStatus ?? "");
  const [type, setType] = useState("");
  const [order, setOrder] = useState<SortOrder>("desc");
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const columns = useMemo(
    () =>
      eventColumns(
        (eventId) => open.has(eventId),
        (eventId) =>
          setOpen((was) => {
            const next = new Set(was);
            if (!next.delete(eventId)) next.add(eventId);
            return next;
          }),
      ),
    [open],
  );
  const deferredType = useDeferredValue(type.trim());
  const events = useInfiniteQuery(
    trpc.admin.stripeEvents.list.infiniteQueryOptions(
      { status: status || undefined, type: deferredType || undefined, order, limit: 25 },
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
        ) : (
          <DataTable
            label="Stripe events"
            columns={columns}
            rows={rows}
            getRowId={(event) => event.id}
            sort={{ column: "receivedAt", order }}
            onSortChange={(sort) => setOrder(sort.order)}
            loading={events.isPending}
            pages={events}
            empty={
              filtered ? (
                <EmptyState title="No events match these filters">
                  Choose another status, or give the exact type (e.g. invoice.paid).
                </EmptyState>
              ) : (
                <EmptyState title="No Stripe events received yet">
                  Events appear here as Stripe delivers them to the webhook.
                </EmptyState>
              )
            }
            testId="stripe-events"
            rowTestId="stripe-event"
            detail={(event) =>
              open.has(event.id) ? (
                <div id={payloadId(event.id)}>
                  <EventPayload eventId={event.id} />
                </div>
              ) : null
            }
          />
        )}
      </Card>
    </div>
  );
}
