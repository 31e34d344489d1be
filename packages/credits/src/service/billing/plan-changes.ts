// What a user does with a paid plan: tier changes (upgrades now with proration, downgrades at
// period end through a subscription schedule), cancel and resume. Every change goes through Stripe
// first and the answer is mirrored at once; the webhook that follows converges to the same state.
import type { Database } from "@credits/db";
import { StateConflictError } from "../../errors.ts";
import { plans, type Tier } from "../../plans.ts";
import type { SubscriptionView } from "../../schemas/billing.ts";
import type { BillingConfig } from "../../stripe/config.ts";
import { priceOf, requirePayments } from "./customer.ts";
import { mirror, releaseSchedule, scheduleOf } from "./stripe-sync.ts";
import {
  isLiveStripeSubscription,
  isUpgrade,
  readSubscription,
  type SubscriptionRow,
  subscriptionView,
} from "./subscription-state.ts";

export async function getSubscription(
  db: Database,
  config: BillingConfig,
  userId: string,
): Promise<SubscriptionView> {
  return subscriptionView(await readSubscription(db, userId), config);
}

function liveStripeSubscription(row: SubscriptionRow | null): SubscriptionRow & {
  stripe_subscription_id: string;
} {
  if (!isLiveStripeSubscription(row)) {
    throw new StateConflictError("There is no paid subscription to change: choose a plan first.");
  }
  return row;
}

/**
 * Changes a paid subscription's tier: an upgrade now (prorated and invoiced at once, so its extra
 * credits come with that invoice); a downgrade at the period's end (the current tier and its
 * credits stay until then); FREE means cancelling at period end.
 */
export async function changePlan(
  db: Database,
  config: BillingConfig,
  userId: string,
  tier: Tier,
): Promise<SubscriptionView> {
  const billing = requirePayments(config);
  const row = liveStripeSubscription(await readSubscription(db, userId));
  if (tier === "FREE") return cancelSubscription(db, config, userId);
  const stripe = billing.stripe;
  if (tier === row.tier && !row.pending_tier) {
    throw new StateConflictError(`You are already on the ${plans[tier].name} plan.`);
  }
  const subscription = await stripe.subscriptions.retrieve(row.stripe_subscription_id);
  const item = subscription.items.data[0];
  if (!item) throw new StateConflictError("The subscription has no plan item to change.");
  if (tier === row.tier || isUpgrade(row.tier, tier)) {
    // Back to the current tier (dropping a scheduled downgrade) or up: now, prorated.
    await releaseSchedule(stripe, row.stripe_subscription_id);
    const updated =
      tier === row.tier
        ? await stripe.subscriptions.retrieve(row.stripe_subscription_id)
        : await stripe.subscriptions.update(row.stripe_subscription_id, {
            items: [{ id: item.id, price: priceOf(config, tier) }],
            proration_behavior: "always_invoice",
            cancel_at_period_end: false,
          });
    await mirror(db, config, updated, null);
  } else {
    // The schedule Stripe has (also one an earlier attempt made before it failed), else a new one.
    const existing = scheduleOf(subscription);
    const schedule = existing
      ? await stripe.subscriptionSchedules.retrieve(existing)
      : await stripe.subscriptionSchedules.create({
          from_subscription: row.stripe_subscription_id,
        });
    await stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        {
          items: [{ price: item.price.id, quantity: 1 }],
          start_date: item.current_period_start,
          end_date: item.current_period_end,
        },
        { items: [{ price: priceOf(config, tier), quantity: 1 }] },
      ],
    });
    if (subscription.cancel_at_period_end) {
      await stripe.subscriptions.update(row.stripe_subscription_id, {
        cancel_at_period_end: false,
      });
    }
    await mirror(db, config, await stripe.subscriptions.retrieve(row.stripe_subscription_id), tier);
  }
  return getSubscription(db, config, userId);
}

/** Cancels at the end of the period (and drops a scheduled downgrade); resumable until then. */
export async function cancelSubscription(
  db: Database,
  config: BillingConfig,
  userId: string,
): Promise<SubscriptionView> {
  const billing = requirePayments(config);
  const row = liveStripeSubscription(await readSubscription(db, userId));
  await releaseSchedule(billing.stripe, row.stripe_subscription_id);
  const updated = await billing.stripe.subscriptions.update(row.stripe_subscription_id, {
    cancel_at_period_end: true,
  });
  await mirror(db, config, updated, null);
  return getSubscription(db, config, userId);
}

/** Undoes a cancellation at period end, before the period ends. */
export async function resumeSubscription(
  db: Database,
  config: BillingConfig,
  userId: string,
): Promise<SubscriptionView> {
  const billing = requirePayments(config);
  const row = liveStripeSubscription(await readSubscription(db, userId));
  if (!row.cancel_at_period_end) {
    throw new StateConflictError(
      "The subscription is not set to cancel, so there is nothing to resume.",
    );
  }
  const updated = await billing.stripe.subscriptions.update(row.stripe_subscription_id, {
    cancel_at_period_end: false,
  });
  await mirror(db, config, updated);
  return getSubscription(db, config, userId);
}
