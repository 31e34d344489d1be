"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Card, CardTitle, EmptyState, formatDateTime, Skeleton } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { type CreatedEndpoint, CreateEndpointForm } from "./create-endpoint-form.tsx";
import { EndpointStatus, eventTypesLabel } from "./endpoint-status.tsx";
import { NewSecretDialog } from "./new-secret-dialog.tsx";

/** Webhook endpoints: the list with their state, and a form to add one (secret shown once). */
export function WebhookEndpoints() {
  const trpc = useTRPC();
  const endpoints = useQuery(trpc.admin.webhooks.list.queryOptions());
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Webhooks</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Other backends hear about credits here: each event (a low balance, a grant, an expiry, a
          refund, a plan change) is sent to the endpoints that want it, signed, and retried for
          about three days until the endpoint accepts it. An endpoint that fails for that long is
          disabled.
        </p>
      </div>
      <CreateEndpointForm onCreated={setCreated} />
      {created && (
        <NewSecretDialog
          url={created.url}
          secret={created.secret}
          rotated={false}
          onClose={() => setCreated(null)}
        />
      )}
      <Card>
        <CardTitle>Endpoints</CardTitle>
        {endpoints.isError ? (
          <Alert>{describeError(endpoints.error).message}</Alert>
        ) : endpoints.isPending ? (
          <div className="flex flex-col gap-3" aria-busy="true">
            <Skeleton className="h-14" />
            <Skeleton className="h-14" />
          </div>
        ) : endpoints.data.length === 0 ? (
          <EmptyState title="No endpoints yet">
            Add the URL of a backend above; it gets every event from then on.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100" data-testid="webhook-endpoints">
            {endpoints.data.map((endpoint) => (
              <li key={endpoint.id} className="flex flex-col gap-1 py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <Link
                    href={`/webhooks/${endpoint.id}`}
                    className="min-w-0 break-all font-mono text-sm font-semibold text-brand-700 underline"
                  >
                    {endpoint.url}
                  </Link>
                  <EndpointStatus endpoint={endpoint} />
                </div>
                {endpoint.description && (
                  <p className="text-sm text-zinc-700">{endpoint.description}</p>
                )}
                <p className="text-xs text-zinc-500">
                  {eventTypesLabel(endpoint.eventTypes)} · added{" "}
                  {formatDateTime(endpoint.createdAt)}
                </p>
                {endpoint.disabledReason && !endpoint.enabled && (
                  <p className="text-xs text-red-700">{endpoint.disabledReason}</p>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
