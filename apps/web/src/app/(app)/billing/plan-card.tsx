"use client";

import type { SubscriptionView } from "@credits/credits";
import { Badge, Card, formatCredits, formatDollars, formatNumber } from "@credits/ui";
import { type Plan, PlanAction } from "./plan-action.tsx";

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

/** One plan on offer: its price, what it includes, and what the user can do about it. */
export function PlanCard({ plan, subscription }: { plan: Plan; subscription: SubscriptionView }) {
  const current = plan.tier === subscription.tier;
  return (
    <Card
      className="flex h-full flex-col gap-3"
      selected={current}
      data-testid={`plan-${plan.tier}`}
      aria-current={current ? "true" : undefined}
    >
      <div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h3 className="text-lg font-semibold">{plan.name}</h3>
          {current && <Badge tone="success">Current plan</Badge>}
        </div>
        <p className="text-sm text-zinc-600">{plan.description}</p>
        <p className="mt-2 text-2xl font-bold">
          {plan.monthlyPriceCents === 0 ? "Free" : formatDollars(plan.monthlyPriceCents)}
          {plan.monthlyPriceCents > 0 && (
            <span className="text-sm font-normal text-zinc-500"> / month</span>
          )}
        </p>
      </div>
      <div className="flex-1">
        <QuotaLine plan={plan} />
      </div>
      <PlanAction plan={plan} subscription={subscription} />
    </Card>
  );
}
