"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Badge, Button, EmptyState, formatDateTime, Skeleton, useToast } from "@credits/ui";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

type Delivery = RouterOutputs["admin"]["webhooks"]["deliveries"]["deliveries"][number];

const statusTones = {
  queued: "neutral",
  pending: "warning",
  succeeded: "success",
  failed: "error",
  canceled: "neutral",
} as const;

const statusLabels = {
  queued: "Queued",
  pending: "Retrying",
  succeeded: "Delivered",
  failed: "Failed",
  canceled: "Canceled",
} as const;

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
  if (delivery.status === "queued" || delivery.status === "pending") return null;
  return (
    <Button
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
      {delivery.recentAttempts.map((attempt) => (
        <li key={attempt.id} className="text-xs text-zinc-700">
          <span className="font-medium">{formatDateTime(attempt.attemptedAt)}</span>
          {" · "}
          {attempt.statusCode === null ? "no answer" : `HTTP ${attempt.statusCode}`}
          {" · "}
          {attempt.durationMs.toLocaleString()} ms
          {(attempt.error ?? attempt.responseExcerpt) && (
            <span className="block break-all font-mono text-zinc-500">
              {(attempt.error ?? attempt.responseExcerpt).slice(0, 200)}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The endpoint's deliveries, newest first, each with its latest attempts and a resend. */
export function Deliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.admin.webhooks.deliveries.infiniteQueryOptions(
      { endpointId, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 5_000 },
    ),
  );
  if (pages.isError) return <Alert>{describeError(pages.error).message}</Alert>;
  if (pages.isPending) {
    return (
      <div className="flex flex-col gap-3" aria-busy="true">
        <Skeleton className="h-16" />
        <Skeleton className="h-16" />
      </div>
    );
  }
  const deliveries = pages.data.pages.flatMap((page) => page.deliveries);
  if (deliveries.length === 0) {
    return (
      <EmptyState title="Nothing sent yet">
        Events appear here as they happen. Send a test event to check the endpoint now.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <ul className="divide-y divide-zinc-100" data-testid="webhook-deliveries">
        {deliveries.map((delivery) => (
          <li key={delivery.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start">
            <div className="flex min-w-0 flex-1 flex-col gap-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-sm font-semibold">{delivery.eventType}</span>
                <Badge tone={statusTones[delivery.status]}>{statusLabels[delivery.status]}</Badge>
                <span className="text-xs text-zinc-500">
                  {formatDateTime(delivery.createdAt)} · {delivery.attempts}{" "}
                  {delivery.attempts === 1 ? "attempt" : "attempts"}
                </span>
              </div>
              <Attempts delivery={delivery} />
            </div>
            <ResendButton delivery={delivery} />
          </li>
        ))}
      </ul>
      {pages.hasNextPage && (
        <div>
          <Button
            variant="secondary"
            busy={pages.isFetchingNextPage}
            onClick={() => pages.fetchNextPage()}
          >
            Show older deliveries
          </Button>
        </div>
      )}
    </div>
  );
}
