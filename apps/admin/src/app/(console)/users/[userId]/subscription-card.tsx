"use client";

import type { QuotaStatus, SubscriptionView } from "@credits/credits";
import {
  Alert,
  Badge,
  Card,
  CardTitle,
  cn,
  type DateFormats,
  formatCredits,
  formatNumber,
  subscriptionStatusLabels,
  useDateFormats,
} from "@credits/ui";
import {
  CancelButton,
  ChangeTierButton,
  type Plans,
  ResumeButton,
} from "./subscription-actions.tsx";

const managerLabels: Record<SubscriptionView["managedBy"], string> = {
  stripe: "Stripe billing",
  operator: "Operator comp",
  none: "Nobody (free plan)",
};

/** The line about when the plan renews or ends, or why it has no date. */
function renewal(subscription: SubscriptionView, dates: DateFormats): string | null {
  const end = subscription.currentPeriodEnd;
  if (!subscription.status || subscription.status === "CANCELED" || !end) return null;
  if (subscription.cancelAtPeriodEnd) {
    return end > new Date()
      ? `Cancels at the end of the period, on ${dates.date(end)}.`
      : `Ended on ${dates.date(end)}.`;
  }
  // A comp is not billed, so its period does not renew: it lasts until an operator changes it.
  if (subscription.managedBy === "operator") return "No end date: kept until an operator ends it.";
  return `Renews on ${dates.date(end)}.`;
}

/** The user's plan as it applies now, who keeps it, what is scheduled, and the operator's actions. */
export function SubscriptionCard({
  userId,
  subscription,
  plans,
}: {
  userId: string;
  subscription: SubscriptionView;
  plans: Plans;
}) {
  const dates = useDateFormats();
  const { status, subscribedTier } = subscription;
  // Stripe-billed plans can only be changed through Stripe, which needs the keys on this server.
  const live = status !== null && status !== "CANCELED" && status !== "INCOMPLETE";
  const stripeUnreachable = subscription.managedBy === "stripe" && !subscription.paymentsConfigured;
  const cancellable = status !== null && status !== "CANCELED" && !stripeUnreachable;
  const renewalText = renewal(subscription, dates);
  return (
    <Card data-testid="subscription-card">
      <CardTitle
        action={
          status && (
            <Badge
              tone={
                status === "PAST_DUE"
                  ? "warning"
                  : status === "CANCELED" || status === "INCOMPLETE"
                    ? "neutral"
                    : "success"
              }
            >
              {subscriptionStatusLabels[status]}
            </Badge>
          )
        }
      >
        Subscription
      </CardTitle>
      <p className="text-3xl font-bold" data-testid="subscription-tier">
        {plans[subscription.tier].name}
      </p>
      {subscribedTier && status && subscribedTier !== subscription.tier && (
        <p className="text-sm text-zinc-600">
          {status === "CANCELED"
            ? `Was on ${plans[subscribedTier].name} until it was canceled`
            : `Subscribed to ${plans[subscribedTier].name} (${subscriptionStatusLabels[status].toLowerCase()})`}
          ; the limits of {plans[subscription.tier].name} apply now.
        </p>
      )}
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-600">Managed by</dt>
        <dd data-testid="subscription-manager">{managerLabels[subscription.managedBy]}</dd>
        {status !== "CANCELED" &&
          subscription.currentPeriodStart &&
          subscription.currentPeriodEnd && (
            <>
              <dt className="text-zinc-600">Period</dt>
              <dd>
                {dates.date(subscription.currentPeriodStart)} –{" "}
                {dates.date(subscription.currentPeriodEnd)}
              </dd>
            </>
          )}
        {renewalText && (
          <>
            <dt className="text-zinc-600">Renewal</dt>
            <dd data-testid="subscription-renewal">{renewalText}</dd>
          </>
        )}
        {subscription.pendingTier && subscription.currentPeriodEnd && (
          <>
            <dt className="text-zinc-600">Scheduled</dt>
            <dd>
              Moves to {plans[subscription.pendingTier].name} on{" "}
              {dates.date(subscription.currentPeriodEnd)}
            </dd>
          </>
        )}
      </dl>
      {subscription.graceEndsAt && (
        <div className="mt-3">
          <Alert>
            The last payment failed. {plans[subscribedTier ?? subscription.tier].name} limits{" "}
            {subscription.graceEndsAt > new Date() ? "apply until" : "applied until"}{" "}
            {dates.date(subscription.graceEndsAt)}, the end of the grace period, unless a payment
            succeeds.
          </Alert>
        </div>
      )}
      {stripeUnreachable && live && (
        <div className="mt-3">
          <Alert tone="info">
            Billed through Stripe, which is not configured on this server: change this plan in the
            Stripe dashboard.
          </Alert>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-2">
        {!(stripeUnreachable && live) && (
          <ChangeTierButton userId={userId} subscription={subscription} plans={plans} />
        )}
        {cancellable && subscription.cancelAtPeriodEnd && (
          <ResumeButton userId={userId} subscription={subscription} plans={plans} />
        )}
        {cancellable && <CancelButton userId={userId} subscription={subscription} plans={plans} />}
      </div>
    </Card>
  );
}

/** What the user used of each feature this period, against the limit of the plan that applies. */
export function UsageCard({ quotas }: { quotas: QuotaStatus[] }) {
  const dates = useDateFormats();
  return (
    <Card>
      <CardTitle>Usage this period</CardTitle>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="user-quotas">
          <thead className="text-xs text-zinc-600">
            <tr>
              <th scope="col" className="py-1.5 pr-3 font-medium">
                Feature
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Used
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Limit
              </th>
              <th scope="col" className="py-1.5 text-right font-medium">
                Resets
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {quotas.map((quota) => (
              <tr key={quota.feature}>
                <th scope="row" className="py-1.5 pr-3 font-normal">
                  {quota.label}
                </th>
                <td
                  className={cn(
                    "py-1.5 pr-3 text-right tabular-nums",
                    quota.limit !== null &&
                      quota.used >= quota.limit &&
                      "font-semibold text-red-700",
                  )}
                >
                  {formatNumber(quota.used)}
                </td>
                <td className="py-1.5 pr-3 text-right tabular-nums">
                  {quota.kind === "metered"
                    ? `${formatCredits(quota.creditsPerUnit ?? 0)} each`
                    : quota.limit === null
                      ? "Unlimited"
                      : formatNumber(quota.limit)}
                </td>
                <td className="py-1.5 text-right whitespace-nowrap text-zinc-600">
                  {dates.date(quota.resetsAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
