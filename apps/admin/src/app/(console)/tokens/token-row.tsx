"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Badge, Button, ConfirmDialog, formatDateTime, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

type ServiceToken = RouterOutputs["admin"]["tokens"]["list"][number];

/** Revokes a token, once the operator has read what stops working. */
function RevokeButton({ token }: { token: ServiceToken }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.admin.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.success(`Revoked “${token.name}”.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
      },
      onError: (error) => setProblem(describeError(error).message),
    }),
  );
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setProblem(null);
          setOpen(true);
        }}
        aria-label={`Revoke ${token.name}`}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={open}
        title={`Revoke “${token.name}”?`}
        onClose={() => setOpen(false)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              busy={revoke.isPending}
              onClick={() => revoke.mutate({ tokenId: token.id })}
            >
              Revoke token
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          {problem && <Alert>{problem}</Alert>}
          <p>
            Backends that send <span className="font-mono">{token.prefix}…</span> get 401 within 5
            seconds, on every instance. This cannot be undone: a backend that still needs access
            needs a new token.
          </p>
        </div>
      </ConfirmDialog>
    </>
  );
}

/** One token: its name, state and scopes, when it was made and last used, and revoking it. */
export function TokenRow({ token }: { token: ServiceToken }) {
  const revoked = token.revokedAt !== null;
  return (
    <li className="py-3" data-testid="service-token">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 basis-64">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-semibold wrap-anywhere">{token.name}</span>
            <Badge tone={revoked ? "neutral" : "success"}>{revoked ? "Revoked" : "Active"}</Badge>
            {token.scopes.map((scope) => (
              <span
                key={scope}
                className="rounded bg-brand-50 px-2 py-0.5 font-mono text-xs text-brand-700"
              >
                {scope}
              </span>
            ))}
          </p>
          <p className="mt-0.5 text-xs text-zinc-600">
            <span className="font-mono">{token.prefix}…</span> · created{" "}
            {formatDateTime(token.createdAt)}
            {token.createdBy && ` by ${token.createdBy.email}`}
          </p>
          <p className="text-xs text-zinc-600" data-testid="token-use">
            {token.lastUsedAt ? `Last used ${formatDateTime(token.lastUsedAt)}` : "Never used"}
            {token.revokedAt && ` · revoked ${formatDateTime(token.revokedAt)}`}
          </p>
        </div>
        {!revoked && <RevokeButton token={token} />}
      </div>
    </li>
  );
}
