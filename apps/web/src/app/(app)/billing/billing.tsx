"use client";

import type { RouterOutputs, SubscriptionView, Tier } from "@credits/credits";
import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import {
  Alert,
  Button,
  Card,
  CardTitle,
  ConfirmDialog,
  cn,
  formatCredits,
  formatDate,
  formatDollars,
  formatNumber,
  Skeleton,
  subscriptionStatusLabels,
  useToast,
} from "@credits/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

type Plan = RouterOutputs["subscriptions"]["plans"][number];

const tierOrder: Record<Tier, number> = { FREE: 0, PRO: 1, PREMIUM: 2 };

/** Sends the browser to a page Stripe hosts (Checkout, the billing portal). */
function useRedirect() {
  return (result: { url: string }) => window.location.assign(result.url);
}

/** Where the user came back from Stripe Checkout, if they did: a message for each outcome. */
function ReturnNotice({ checkout, purchase }: { checkout?: string; purchase?: string }) {
  const returned = Boolean(checkout || purchase);
  useEffect(() => {
    // Shown once: a reload or a bookmark of the page later must not thank them again.
    if (returned) window.history.replaceState(window.history.state, "", window.location.pathname);
  }, [returned]);
  if (checkout === "success" || purchase === "success") {
    return (
      <Alert tone="success">
        Thank you! Your payment went through. Your {checkout ? "plan" : "credits"} will appear here
        within a few seconds, as soon as Stripe confirms it.
      </Alert>
    );
  }
  if (checkout === "canceled" || purchase === "canceled") {
    return <Alert tone="info">Checkout was canceled; nothing was charged.</Alert>;
  }
  return null;
}

function CurrentPlan({ subscription, plans }: { subscription: SubscriptionView; plans: Plan[] }) {
  const trpc = useTRPC();
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
          <span
            className={cn(
              "rounded-full px-2.5 py-0.5 text-xs font-semibold",
              subscription.status === "PAST_DUE"
                ? "bg-amber-100 text-amber-900"
                : subscription.status === "CANCELED"
                  ? "bg-zinc-100 text-zinc-700"
                  : "bg-emerald-100 text-emerald-900",
            )}
          >
            {subscriptionStatusLabels[subscription.status]}
          </span>
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
              ? `Ends on ${formatDate(subscription.currentPeriodEnd)}; you keep it until then.`
              : `Renews on ${formatDate(subscription.currentPeriodEnd)}.`}
          </p>
        )}
        {subscription.pendingTier && subscription.currentPeriodEnd && (
          <p>
            Changes to {plans.find((item) => item.tier === subscription.pendingTier)?.name} on{" "}
            {formatDate(subscription.currentPeriodEnd)}.
          </p>
        )}
        {subscription.graceEndsAt &&
          (subscription.tier === "FREE" ? (
            <Alert>
              Your last payment failed and the grace period ended on{" "}
              {formatDate(subscription.graceEndsAt)}: the free plan's limits apply until you update
              your payment method.
            </Alert>
          ) : (
            <Alert>
              Your last payment failed. Update your payment method before{" "}
              {formatDate(subscription.graceEndsAt)} to keep your plan.
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
          ? formatDate(subscription.currentPeriodEnd)
          : "the period ends"}
        , then move to the free plan. You can resume any time before that.
      </ConfirmDialog>
    </Card>
  );
}

function PlanAction({ plan, subscription }: { plan: Plan; subscription: SubscriptionView }) {
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
  const upgrade = tierOrder[plan.tier] > tierOrder[current];
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

function QuotaLine({ plan }: { plan: Plan }) {
  const labels: Record<string, string> = {
    reports: "reports",
    api_calls: "API calls",
    exports: "exports",
  };
  return (
    <ul className="space-y-1 text-sm text-zinc-700">
      <li>
        {plan.monthlyCredits > 0
          ? `${formatCredits(plan.monthlyCredits)} a month`
          : "No monthly credits"}
      </li>
      {Object.entries(plan.quotas).map(([feature, limit]) => (
        <li key={feature}>
          {limit === null ? "Unlimited" : formatNumber(limit)} {labels[feature] ?? feature}
        </li>
      ))}
      {plan.rolloverCap > 0 && (
        <li>Unused credits roll over (up to {formatCredits(plan.rolloverCap)})</li>
      )}
    </ul>
  );
}

function CreditPacks({ paymentsConfigured }: { paymentsConfigured: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const redirect = useRedirect();
  const packs = useQuery(trpc.billing.creditPacks.queryOptions());
  const buy = useMutation(
    trpc.billing.buyCredits.mutationOptions({
      onSuccess: redirect,
      onError: (error) => toast.error(describeError(error).message),
    }),
  );
  return (
    <section aria-labelledby="packs-heading">
      <h2 id="packs-heading" className="mb-3 text-lg font-semibold">
        Buy credits
      </h2>
      {!packs.data ? (
        <Skeleton className="h-24" />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-3">
          {packs.data.map((pack) => (
            <li key={pack.id}>
              <Card className="flex h-full flex-col gap-3">
                <div className="flex-1">
                  <h3 className="font-semibold">{pack.name}</h3>
                  <p className="mt-1 text-sm text-zinc-600">
                    {formatDollars(pack.priceCents)} · never expire
                  </p>
                </div>
                {paymentsConfigured && (
                  <Button
                    variant="secondary"
                    onClick={() => buy.mutate({ packId: pack.id })}
                    busy={buy.isPending && buy.variables?.packId === pack.id}
                    aria-label={`Buy ${pack.name} for ${formatDollars(pack.priceCents)}`}
                  >
                    Buy for {formatDollars(pack.priceCents)}
                  </Button>
                )}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Billing({
  returnedFrom,
}: {
  returnedFrom: { checkout?: string; purchase?: string };
}) {
  const trpc = useTRPC();
  const subscription = useQuery(trpc.subscriptions.get.queryOptions());
  const plans = useQuery(trpc.subscriptions.plans.queryOptions());
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Billing</h1>
      <ReturnNotice {...returnedFrom} />
      {subscription.isError ? (
        <Alert>{describeError(subscription.error).message}</Alert>
      ) : !subscription.data || !plans.data ? (
        <Skeleton className="h-40" />
      ) : (
        <>
          {!subscription.data.paymentsConfigured && (
            <Alert tone="info">
              Payments are not configured on this server yet, so plans and credits cannot be bought
              here. An administrator can still change your plan.
            </Alert>
          )}
          <CurrentPlan subscription={subscription.data} plans={plans.data} />
          <section aria-labelledby="plans-heading">
            <h2 id="plans-heading" className="mb-3 text-lg font-semibold">
              Plans
            </h2>
            <ul className="grid gap-4 md:grid-cols-3">
              {plans.data.map((plan) => (
                <li key={plan.tier}>
                  <Card
                    className={cn(
                      "flex h-full flex-col gap-3",
                      plan.tier === subscription.data.tier && "ring-2 ring-brand-600",
                    )}
                    data-testid={`plan-${plan.tier}`}
                  >
                    <div>
                      <h3 className="text-lg font-semibold">{plan.name}</h3>
                      <p className="text-sm text-zinc-600">{plan.description}</p>
                      <p className="mt-2 text-2xl font-bold">
                        {plan.monthlyPriceCents === 0
                          ? "Free"
                          : formatDollars(plan.monthlyPriceCents)}
                        {plan.monthlyPriceCents > 0 && (
                          <span className="text-sm font-normal text-zinc-500"> / month</span>
                        )}
                      </p>
                    </div>
                    <div className="flex-1">
                      <QuotaLine plan={plan} />
                    </div>
                    <PlanAction plan={plan} subscription={subscription.data} />
                  </Card>
                </li>
              ))}
            </ul>
          </section>
          <CreditPacks paymentsConfigured={subscription.data.paymentsConfigured} />
        </>
      )}
    </div>
  );
}
