"use client";

import type { SubscriptionView } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardTitle,
  ConfirmDialog,
  formatCredits,
  subscriptionStatusLabels,
  useDateFormats,
  useToast,
} from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Plan } from "./plan-action.tsx";
import { useRedirect } from "./use-redirect.ts";

/** The plan that applies now, when it renews or ends, and cancelling, resuming or paying for it. */
export function CurrentPlan({
  subscription,
  plans,
}: {
  subscription: SubscriptionView;
  plans: Plan[];
}) {
  const trpc = useTRPC();
  const dates = useDateFormats();
  const queryClient = useQueryClient();
  const toast = useToast();
  const redirect = useRedirect();
  const plan = plans.find((item) => item.tier === subscription.tier);
  const onChanged = (message: string) => async () => {
    toast.success(message);
    await queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() });
  };
  const onError = (error: unknown) => toast.error(describeError(error).message);
  const cancel = useMutation(
    trpc.subscriptions.cancel.mutationOptions({
      onSuccess: onChanged("Your plan will end at the end of this period."),
      onError,
    }),
  );
  const resume = useMutation(
    trpc.subscriptions.resume.mutationOptions({
      onSuccess: onChanged("Your plan continues; nothing changes."),
      onError,
    }),
  );
  const portal = useMutation(
    trpc.subscriptions.portal.mutationOptions({ onSuccess: redirect, onError }),
  );
  const [confirmCancel, setConfirmCancel] = useState(false);
  const stripeManaged = subscription.managedBy === "stripe" && subscription.status !== "CANCELED";
  return (
    <Card data-testid="current-plan">
      <CardTitle>Your plan</CardTitle>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <p className="text-3xl font-bold" data-testid="current-tier">
          {plan?.name ?? subscription.tier}
        </p>
        {subscription.status && (
          <Badge
            tone={
              subscription.status === "PAST_DUE"
                ? "warning"
                : subscription.status === "CANCELED"
                  ? "neutral"
                  : "success"
            }
          >
            {subscriptionStatusLabels[subscription.status]}
          </Badge>
        )}
      </div>
      <div className="mt-2 space-y-1 text-sm text-zinc-600">
        {subscription.managedBy === "none" && <p>You are on the free plan.</p>}
        {subscription.managedBy === "operator" && subscription.status !== "CANCELED" && (
          <p>Your plan was set up for you by our team.</p>
        )}
        {stripeManaged && subscription.status !== "PAST_DUE" && subscription.currentPeriodEnd && (
          <p data-testid="renewal">
            {subscription.cancelAtPeriodEnd
              ? `Ends on ${dates.date(subscription.currentPeriodEnd)}; you keep it until then.`
              : `Renews on ${dates.date(subscription.currentPeriodEnd)}.`}
          </p>
        )}
        {subscription.pendingTier && subscription.currentPeriodEnd && (
          <p>
            Changes to {plans.find((item) => item.tier === subscription.pendingTier)?.name} on{" "}
            {dates.date(subscription.currentPeriodEnd)}.
          </p>
        )}
        {subscription.graceEndsAt &&
          (subscription.tier === "FREE" ? (
            <Alert>
              Your last payment failed and the grace period ended on{" "}
              {dates.date(subscription.graceEndsAt)}: the free plan's limits apply until you update
              your payment method.
            </Alert>
          ) : (
            <Alert>
              Your last payment failed. Update your payment method before{" "}
              {dates.date(subscription.graceEndsAt)} to keep your plan.
            </Alert>
          ))}
        {plan && plan.monthlyCredits > 0 && (
          <p>{formatCredits(plan.monthlyCredits)} included every month.</p>
        )}
      </div>
      {stripeManaged && (
        <div className="mt-4 flex flex-wrap gap-2">
          {subscription.cancelAtPeriodEnd ? (
            <Button onClick={() => resume.mutate()} busy={resume.isPending}>
              Resume plan
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => setConfirmCancel(true)}>
              Cancel plan
            </Button>
          )}
          <Button variant="secondary" onClick={() => portal.mutate()} busy={portal.isPending}>
            Payment methods & invoices
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel your plan?"
        onClose={() => setConfirmCancel(false)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setConfirmCancel(false)}>
              Keep my plan
            </Button>
            <Button
              variant="danger"
              busy={cancel.isPending}
              onClick={() => cancel.mutate(undefined, { onSettled: () => setConfirmCancel(false) })}
            >
              Cancel at period end
            </Button>
          </>
        }
      >
        You keep {plan?.name} and its credits until{" "}
        {subscription.currentPeriodEnd
          ? dates.date(subscription.currentPeriodEnd)
          : "the period ends"}
        , then move to the free plan. You can resume any time before that.
      </ConfirmDialog>
    </Card>
  );
}
