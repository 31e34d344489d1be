"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Badge,
  Button,
  DataTable,
  type DataTableColumn,
  dateColumn,
  EmptyState,
  formatDateTime,
  formatNumber,
  Select,
  type SortOrder,
  useToast,
} from "@credits/ui";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

type Delivery = RouterOutputs["admin"]["webhooks"]["deliveries"]["deliveries"][number];
type Status = Delivery["status"];

const statusTones = {
  queued: "neutral",
  pending: "warning",
  succeeded: "success",
  failed: "error",
  canceled: "neutral",
} as const satisfies Record<Status, string>;

const statusLabels: Record<Status, string> = {
  queued: "Queued",
  pending: "Retrying",
  succeeded: "Delivered",
  failed: "Failed",
  canceled: "Canceled",
};

function ResendButton({ delivery }: { delivery: Delivery }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const resend = useMutation(
    trpc.admin.webhooks.resend.mutationOptions({
      onSuccess: async () => {
        toast.success("Queued to be sent again.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
      },
      onError: (error) => toast.error(describeError(error).message),
    }),
  );
  // A delivery still being tried is resent by its own retries.
  if (delivery.status === "queued" || delivery.status === "pending") return null;
  return (
    <Button
      size="sm"
      variant="secondary"
      busy={resend.isPending}
      onClick={() => resend.mutate({ deliveryId: delivery.id })}
      aria-label={`Resend ${delivery.eventType} from ${formatDateTime(delivery.createdAt)}`}
    >
      Resend
    </Button>
  );
}

function Attempts({ delivery }: { delivery: Delivery }) {
  if (delivery.recentAttempts.length === 0) {
    return <p className="text-xs text-zinc-500">No attempt yet.</p>;
  }
  return (
    <ol className="flex flex-col gap-1" aria-label="Latest attempts">
      {delivery.recentAttempts.map((attempt) => {
        const detail = attempt.error ?? attempt.responseExcerpt;
        return (
          <li key={attempt.id} className="text-xs text-zinc-700">
            <span className="font-medium">{formatDateTime(attempt.attemptedAt)}</span>
            {" · "}
            {attempt.statusCode === null ? "no answer" : `HTTP ${attempt.statusCode}`}
            {" · "}
            {formatNumber(attempt.durationMs)} ms
            {detail && (
              <span className="block font-mono text-zinc-500 wrap-anywhere">
                {detail.slice(0, 200)}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

const columns: DataTableColumn<Delivery>[] = [
  dateColumn("createdAt", "Created", (delivery) => delivery.createdAt),
  {
    id: "event",
    header: "Event",
    className: "whitespace-nowrap font-mono font-semibold",
    cell: (delivery) => delivery.eventType,
  },
  {
    id: "status",
    header: "Status",
    className: "whitespace-nowrap",
    cell: (delivery) => (
      <Badge tone={statusTones[delivery.status]}>{statusLabels[delivery.status]}</Badge>
    ),
  },
  {
    id: "attempts",
    header: "Attempts",
    className: "min-w-64",
    cell: (delivery) => (
      <div className="flex flex-col gap-1">
        <span className="tabular-nums">
          {delivery.attempts === 1 ? "1 attempt" : `${formatNumber(delivery.attempts)} attempts`}
        </span>
        <Attempts delivery={delivery} />
      </div>
    ),
  },
  {
    id: "actions",
    header: "Actions",
    align: "end",
    className: "whitespace-nowrap",
    cell: (delivery) => <ResendButton delivery={delivery} />,
  },
];

/**
 * The endpoint's deliveries as a table, newest first unless sorted the other way, filtered by
 * status, each with its latest attempts and a resend once it is finished.
 */
export function Deliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">("");
  const [order, setOrder] = useState<SortOrder>("desc");
  const pages = useInfiniteQuery(
    trpc.admin.webhooks.deliveries.infiniteQueryOptions(
      { endpointId, status: status || undefined, order, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 5_000 },
    ),
  );
  const rows = pages.data?.pages.flatMap((page) => page.deliveries) ?? [];
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 className="text-base font-semibold text-zinc-900">Deliveries</h2>
        <Select
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value as Status | "")}
        >
          <option value="">All</option>
          {(Object.keys(statusLabels) as Status[]).map((value) => (
            <option key={value} value={value}>
              {statusLabels[value]}
            </option>
          ))}
        </Select>
      </div>
      {pages.isError ? (
        <Alert>{describeError(pages.error).message}</Alert>
      ) : (
        <DataTable
          label="Deliveries"
          columns={columns}
          rows={rows}
          getRowId={(delivery) => delivery.id}
          sort={{ column: "createdAt", order }}
          onSortChange={(sort) => setOrder(sort.order)}
          loading={pages.isPending}
          pages={pages}
          empty={
            status ? (
              <EmptyState title={`No ${statusLabels[status].toLowerCase()} deliveries`}>
                Choose another status to see the rest of the log.
              </EmptyState>
            ) : (
              <EmptyState title="Nothing sent yet">
                Events appear here as they happen. Send a test event to check the endpoint now.
              </EmptyState>
            )
          }
          testId="webhook-deliveries"
          rowTestId="webhook-delivery"
        />
      )}
    </div>
  );
}
