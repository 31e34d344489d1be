"use client";

import type { RouterOutputs, SubscriptionView } from "@credits/credits";
import { describeError, tierRank, useTRPC } from "@credits/credits/react";
import { Button, ConfirmDialog, formatDollars, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useRedirect } from "./use-redirect.ts";

export type Plan = RouterOutputs["subscriptions"]["plans"][number];

/** What the user can do about one plan from where they are: subscribe, switch, or nothing. */
export function PlanAction({ plan, subscription }: { plan: Plan; subscription: SubscriptionView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const redirect = useRedirect();
  const onError = (error: unknown) => toast.error(describeError(error).message);
  const checkout = useMutation(
    trpc.subscriptions.checkout.mutationOptions({ onSuccess: redirect, onError }),
  );
  const change = useMutation(
    trpc.subscriptions.change.mutationOptions({
      onSuccess: async (view) => {
        toast.success(
          view.pendingTier
            ? `You will move to ${plan.name} when this period ends.`
            : `You are now on ${plan.name}.`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.credits.pathKey() });
      },
      onError,
    }),
  );
  const [confirming, setConfirming] = useState(false);
  const current = subscription.tier;
  if (plan.tier === current && !subscription.pendingTier) {
    return <p className="text-sm font-semibold text-brand-700">Your current plan</p>;
  }
  if (!subscription.paymentsConfigured) return null;
  const stripeSubscription =
    subscription.managedBy === "stripe" && subscription.status !== "CANCELED";
  if (stripeSubscription && current === "FREE") {
    // Past due after the grace period (or waiting for a first payment): a new subscription would
    // bill twice, so the way back is paying this one, through the billing portal.
    return plan.tier === subscription.subscribedTier ? (
      <p className="text-sm font-semibold text-amber-800">
        Your plan, back as soon as a payment goes through
      </p>
    ) : null;
  }
  if (!stripeSubscription) {
    if (plan.tier === "FREE") return null;
    return (
      <Button
        onClick={() => checkout.mutate({ tier: plan.tier as "PRO" | "PREMIUM" })}
        busy={checkout.isPending}
        aria-label={`Upgrade to ${plan.name}`}
      >
        Upgrade to {plan.name}
      </Button>
    );
  }
  if (plan.tier === "FREE") return null;
  const upgrade = tierRank[plan.tier] > tierRank[current];
  const label =
    plan.tier === current
      ? `Stay on ${plan.name}`
      : upgrade
        ? `Upgrade to ${plan.name}`
        : `Switch to ${plan.name}`;
  return (
    <>
      <Button variant={upgrade ? "primary" : "secondary"} onClick={() => setConfirming(true)}>
        {label}
      </Button>
      <ConfirmDialog
        open={confirming}
        title={label}
        onClose={() => setConfirming(false)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Not now
            </Button>
            <Button
              busy={change.isPending}
              onClick={() =>
                change.mutate({ tier: plan.tier }, { onSettled: () => setConfirming(false) })
              }
            >
              Confirm
            </Button>
          </>
        }
      >
        {plan.tier === current
          ? `Your scheduled change is dropped and you stay on ${plan.name}.`
          : upgrade
            ? `You move to ${plan.name} now. You pay the prorated difference for the rest of this period today, and get the extra credits at once.`
            : `You keep your current plan and its credits until this period ends, then move to ${plan.name} at ${formatDollars(plan.monthlyPriceCents)} a month.`}
      </ConfirmDialog>
    </>
  );
}
