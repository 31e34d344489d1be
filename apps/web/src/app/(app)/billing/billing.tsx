"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Skeleton } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import { AutoTopup } from "./auto-topup.tsx";
import { CreditPacks } from "./credit-packs.tsx";
import { CurrentPlan } from "./current-plan.tsx";
import { PlanCard } from "./plan-card.tsx";
import { ReturnNotice } from "./return-notice.tsx";

/** The billing page: the plan that applies, the plans on offer, the credit packs and auto top-up. */
export function Billing({
  returnedFrom,
}: {
  returnedFrom: { checkout?: string; purchase?: string; card?: string };
}) {
  const trpc = useTRPC();
  const subscription = useQuery(trpc.subscriptions.get.queryOptions());
  const plans = useQuery(trpc.subscriptions.plans.queryOptions());
  const balance = useQuery(trpc.credits.balance.queryOptions());
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Billing</h1>
      <ReturnNotice
        {...returnedFrom}
        planActive={subscription.data && subscription.data.tier !== "FREE"}
        available={balance.data?.available}
      />
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
                  <PlanCard plan={plan} subscription={subscription.data} />
                </li>
              ))}
            </ul>
          </section>
          <CreditPacks paymentsConfigured={subscription.data.paymentsConfigured} />
          <AutoTopup paymentsConfigured={subscription.data.paymentsConfigured} />
        </>
      )}
    </div>
  );
}
