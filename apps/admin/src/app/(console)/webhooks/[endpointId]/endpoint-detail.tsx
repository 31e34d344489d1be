"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Card, formatDateTime, Skeleton } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EndpointStatus, eventTypesLabel } from "../endpoint-status.tsx";
import { Deliveries } from "./deliveries.tsx";
import { EndpointActions } from "./endpoint-actions.tsx";

/** One endpoint: its state, what it receives, the operator's actions and its delivery log. */
export function EndpointDetail({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const endpoint = useQuery(trpc.admin.webhooks.get.queryOptions({ endpointId }));
  return (
    <div className="flex flex-col gap-6">
      <Link href="/webhooks" className="text-sm text-brand-700 underline">
        ← All webhooks
      </Link>
      {endpoint.isError ? (
        <Alert>{describeError(endpoint.error).message}</Alert>
      ) : endpoint.isPending ? (
        <Skeleton className="h-32" />
      ) : (
        <>
          <div className="flex flex-col gap-2">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="min-w-0 break-all font-mono text-lg font-bold">{endpoint.data.url}</h1>
              <EndpointStatus endpoint={endpoint.data} />
            </div>
            {endpoint.data.description && <p className="text-sm">{endpoint.data.description}</p>}
            <p className="text-sm text-zinc-600">{eventTypesLabel(endpoint.data.eventTypes)}</p>
            {!endpoint.data.enabled && endpoint.data.disabledReason && (
              <Alert tone="warning">
                Disabled {endpoint.data.disabledAt ? formatDateTime(endpoint.data.disabledAt) : ""}:{" "}
                {endpoint.data.disabledReason}. Enable it when the receiver works again, then resend
                what it missed.
              </Alert>
            )}
            {endpoint.data.enabled && endpoint.data.failingSince && (
              <Alert tone="warning">
                Every attempt has failed since {formatDateTime(endpoint.data.failingSince)}; it is
                disabled if that goes on for three days.
              </Alert>
            )}
            {endpoint.data.previousSecretExpiresAt &&
              endpoint.data.previousSecretExpiresAt.getTime() > Date.now() && (
                <p className="text-xs text-zinc-500">
                  The previous secret signs too until{" "}
                  {formatDateTime(endpoint.data.previousSecretExpiresAt)}.
                </p>
              )}
          </div>
          <EndpointActions endpoint={endpoint.data} />
          <Card>
            <Deliveries endpointId={endpointId} />
          </Card>
        </>
      )}
    </div>
  );
}
