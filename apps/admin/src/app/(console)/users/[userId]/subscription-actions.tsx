"use client";

import type { Plan, SubscriptionView, Tier } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Button,
  ConfirmWithReasonDialog,
  formatDate,
  formatDollars,
  RadioGroup,
  Select,
  useToast,
} from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

export type Plans = Record<Tier, Plan>;

interface ActionProps {
  userId: string;
  subscription: SubscriptionView;
  plans: Plans;
}

/**
 * After a change, toasts and refreshes what it made stale: this user's page, the audit log and the
 * overview's subscription counts.
 */
function useAfterChange(userId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return async (message: string) => {
    toast.success(message);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.admin.users.get.queryKey({ userId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.audit.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.overview.pathKey() }),
    ]);
  };
}

/** Whether the change goes through the user's Stripe subscription rather than a comp kept here. */
function billedByStripe(subscription: SubscriptionView): boolean {
  return (
    subscription.managedBy === "stripe" &&
    subscription.paymentsConfigured &&
    subscription.status !== "CANCELED" &&
    subscription.status !== "INCOMPLETE"
  );
}

/** What setting `tier` does, in the operator's words, before they confirm it. */
function tierChangeNote(subscription: SubscriptionView, plans: Plans, tier: Tier): string {
  const plan = plans[tier];
  if (billedByStripe(subscription)) {
    return tier === "FREE"
      ? "This cancels the Stripe subscription at once, without a refund; the free limits apply from now."
      : `This changes the Stripe subscription to ${plan.name} (${formatDollars(plan.monthlyPriceCents)} a month) at once, without proration: the next invoice is at the new price.`;
  }
  return tier === "FREE"
    ? "This ends the comp at once; the free limits apply from now."
    : `A comp: ${plan.name}'s limits without payment, until an operator changes it. It comes with no monthly credits.`;
}

/** Sets the user's tier: through Stripe when it bills them, otherwise as a comp. */
export function ChangeTierButton({ userId, subscription, plans }: ActionProps) {
  const trpc = useTRPC();
  const afterChange = useAfterChange(userId);
  const current = subscription.tier;
  // Suggest a paid tier other than the current one; FREE (which ends a plan) is never the default.
  const suggested = current === "PRO" ? "PREMIUM" : "PRO";
  const [open, setOpen] = useState(false);
  const [tier, setTier] = useState<Tier>(suggested);
  const setTierMutation = useMutation(
    trpc.admin.subscriptions.setTier.mutationOptions({
      onSuccess: async (view) => {
        setOpen(false);
        await afterChange(`Now on ${plans[view.tier].name}.`);
      },
    }),
  );

  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setTier(suggested);
          setTierMutation.reset();
          setOpen(true);
        }}
      >
        Change plan
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title="Change the plan?"
        onClose={() => setOpen(false)}
        reasonLabel="Reason for the change"
        reasonHint="Shown in the audit log."
        validate={() =>
          tier === current && !subscription.pendingTier
            ? `The user is on ${plans[tier].name} already: choose another plan.`
            : null
        }
        onConfirm={(reason) => setTierMutation.mutate({ userId, tier, reason })}
        error={setTierMutation.error && describeError(setTierMutation.error).message}
        busy={setTierMutation.isPending}
        confirmLabel="Change plan"
        confirmVariant={tier === "FREE" ? "danger" : "primary"}
      >
        <Select
          label="New plan"
          value={tier}
          onChange={(event) => setTier(event.target.value as Tier)}
        >
          {Object.values(plans).map((plan) => (
            <option key={plan.tier} value={plan.tier}>
              {plan.name}
            </option>
          ))}
        </Select>
        <dl className="grid grid-cols-2 gap-y-1" data-testid="tier-change">
          <dt>Plan now</dt>
          <dd className="text-right font-semibold">{plans[current].name}</dd>
          <dt>Plan after</dt>
          <dd className="text-right font-semibold">{plans[tier].name}</dd>
        </dl>
        <p>{tierChangeNote(subscription, plans, tier)}</p>
      </ConfirmWithReasonDialog>
    </>
  );
}

/** Cancels now, or at the end of the period (unless that is already set). */
export function CancelButton({ userId, subscription, plans }: ActionProps) {
  const trpc = useTRPC();
  const afterChange = useAfterChange(userId);
  const [open, setOpen] = useState(false);
  const [atPeriodEnd, setAtPeriodEnd] = useState(!subscription.cancelAtPeriodEnd);
  const cancel = useMutation(
    trpc.admin.subscriptions.cancel.mutationOptions({
      onSuccess: async (view) => {
        setOpen(false);
        await afterChange(
          view.cancelAtPeriodEnd && view.status !== "CANCELED" && view.currentPeriodEnd
            ? `Cancels on ${formatDate(view.currentPeriodEnd)}.`
            : `Canceled: the ${plans.FREE.name} limits apply now.`,
        );
      },
    }),
  );
  const end = subscription.currentPeriodEnd;
  const plan = plans[subscription.tier].name;
  // A period that is already over ends the plan at once, even "at period end".
  const endsNow = !atPeriodEnd || !end || end <= new Date();

  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setAtPeriodEnd(!subscription.cancelAtPeriodEnd);
          cancel.reset();
          setOpen(true);
        }}
      >
        {subscription.cancelAtPeriodEnd ? "Cancel now" : "Cancel subscription"}
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title="Cancel the subscription?"
        onClose={() => setOpen(false)}
        reasonLabel="Reason for cancelling"
        reasonHint="Shown in the audit log."
        onConfirm={(reason) => cancel.mutate({ userId, atPeriodEnd, reason })}
        error={cancel.error && describeError(cancel.error).message}
        busy={cancel.isPending}
        cancelLabel="Keep it"
        confirmLabel="Cancel subscription"
        confirmVariant="danger"
      >
        {subscription.cancelAtPeriodEnd ? (
          <p>It already cancels at the end of the period; this cancels it now.</p>
        ) : (
          <RadioGroup
            legend="When"
            name="when"
            className="flex flex-col gap-2"
            options={[
              {
                value: "period-end",
                label: <>At the end of the period{end && ` (${formatDate(end)})`}</>,
              },
              { value: "now", label: "Now" },
            ]}
            value={atPeriodEnd ? "period-end" : "now"}
            onChange={(when) => setAtPeriodEnd(when === "period-end")}
          />
        )}
        <dl className="grid grid-cols-2 gap-y-1">
          <dt>Plan now</dt>
          <dd className="text-right font-semibold">{plan}</dd>
          <dt>Plan after</dt>
          <dd className="text-right font-semibold">
            {endsNow || !end
              ? `${plans.FREE.name}, from now`
              : `${plan} until ${formatDate(end)}, then ${plans.FREE.name}`}
          </dd>
        </dl>
        {billedByStripe(subscription) && (
          <p>
            {atPeriodEnd
              ? "Stripe stops renewing the subscription; it can be resumed until the period ends."
              : "Stripe cancels the subscription at once, without a refund."}
          </p>
        )}
      </ConfirmWithReasonDialog>
    </>
  );
}

/** Undoes a cancellation at period end, so the plan carries on. */
export function ResumeButton({ userId, subscription, plans }: ActionProps) {
  const trpc = useTRPC();
  const afterChange = useAfterChange(userId);
  const [open, setOpen] = useState(false);
  const plan = plans[subscription.tier].name;
  const resume = useMutation(
    trpc.admin.subscriptions.resume.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        await afterChange(`Resumed: ${plan} carries on.`);
      },
    }),
  );

  return (
    <>
      <Button
        onClick={() => {
          resume.reset();
          setOpen(true);
        }}
      >
        Resume
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title="Resume the subscription?"
        onClose={() => setOpen(false)}
        reasonLabel="Reason for resuming"
        reasonHint="Shown in the audit log."
        onConfirm={(reason) => resume.mutate({ userId, reason })}
        error={resume.error && describeError(resume.error).message}
        busy={resume.isPending}
        confirmLabel="Resume subscription"
      >
        <p>
          {plan} no longer ends
          {subscription.currentPeriodEnd && ` on ${formatDate(subscription.currentPeriodEnd)}`}
          {billedByStripe(subscription) ? "; Stripe renews it as before." : "."}
        </p>
      </ConfirmWithReasonDialog>
    </>
  );
}
