"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Card, CardTitle, EmptyState, Skeleton } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type CreatedToken, CreateTokenForm } from "./create-token-form.tsx";
import { NewTokenDialog } from "./new-token-dialog.tsx";
import { TokenRow } from "./token-row.tsx";

/** Service tokens for the REST API: the list, creation (secret shown once) and revocation. */
export function ServiceTokens() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions());
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Service tokens</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Other backends call the web app&apos;s REST API with these. Each token has the scopes you
          give it, is shown once when created and is stored only as a hash; revoke one as soon as it
          may have leaked.
        </p>
      </div>
      <CreateTokenForm onCreated={setCreated} />
      {created && <NewTokenDialog created={created} onClose={() => setCreated(null)} />}
      <Card>
        <CardTitle>Tokens</CardTitle>
        {tokens.isError ? (
          <Alert>{describeError(tokens.error).message}</Alert>
        ) : tokens.isPending ? (
          <div className="flex flex-col gap-3" aria-busy="true">
            <Skeleton className="h-14" />
            <Skeleton className="h-14" />
          </div>
        ) : tokens.data.length === 0 ? (
          <EmptyState title="No service tokens yet">
            Create one above for the first backend. A token set as CREDITS_SERVICE_TOKEN in the web
            app&apos;s environment also works; it is not listed here.
          </EmptyState>
        ) : (
          <>
            <ul className="divide-y divide-zinc-100" data-testid="service-tokens">
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} />
              ))}
            </ul>
            <p className="mt-3 text-xs text-zinc-500">
              Last use is recorded to the minute. The newest 200 tokens are listed.
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
