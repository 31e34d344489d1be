"use client";

import type { Plan, Tier } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Button, ConfirmDialog, formatCredits, formatNumber } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import type { Grant, PaidTier } from "./use-bulk-grant-run.ts";

/**
 * The confirmation of a grant to everyone on a tier: those recipients are not on the screen, so how
 * many there are (counted when it opens) and what they get in all are shown first.
 */
export function TierGrantDialog({
  draft,
  tier,
  plans,
  onCancel,
  onConfirm,
}: {
  /** The grant to confirm; null while the dialog is closed. */
  draft: Grant | null;
  tier: PaidTier;
  plans: Record<Tier, Plan>;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const trpc = useTRPC();
  const members = useQuery({
    ...trpc.admin.subscriptions.members.queryOptions({ tier, limit: 1 }),
    enabled: draft !== null,
  });
  return (
    <ConfirmDialog
      open={draft !== null}
      title={`Grant to everyone on ${plans[tier].name}?`}
      onClose={onCancel}
      actions={
        <>
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={onConfirm} disabled={!members.data || members.data.total === 0}>
            Grant
          </Button>
        </>
      }
    >
      {draft && (
        <dl className="grid grid-cols-2 gap-y-1">
          <dt>Recipients</dt>
          <dd className="text-right font-semibold tabular-nums" data-testid="tier-recipients">
            {members.isError
              ? "Unknown"
              : members.data
                ? `${formatNumber(members.data.total)} users`
                : "Counting…"}
          </dd>
          <dt>Each gets</dt>
          <dd className="text-right font-semibold tabular-nums">{formatCredits(draft.amount)}</dd>
          {members.data && (
            <>
              <dt>In all</dt>
              <dd className="text-right font-semibold tabular-nums">
                {formatCredits(draft.amount * members.data.total)}
              </dd>
            </>
          )}
        </dl>
      )}
      {members.isError && <Alert>{describeError(members.error).message}</Alert>}
    </ConfirmDialog>
  );
}
