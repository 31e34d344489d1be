// Keeping the mirror of a Stripe subscription in step with what Stripe answered to our own calls,
// and letting go of a subscription's schedule (a scheduled downgrade).
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import type { Tier } from "../../plans.ts";
import type { BillingConfig } from "../../stripe/config.ts";
import type { Tx } from "../types.ts";
import { lockStripeSubscription, mirrorStripeSubscription } from "./subscription-state.ts";

/**
 * Writes what Stripe answered into `tx`, under the same per-subscription lock the webhook takes;
 * `pendingTier` (when given) is the downgrade now scheduled, or null for none.
 */
export async function mirrorAnswer(
  tx: Tx,
  config: BillingConfig,
  subscription: Stripe.Subscription,
  pendingTier?: Tier | null,
): Promise<void> {
  await lockStripeSubscription(tx, subscription.id);
  const outcome = await mirrorStripeSubscription(tx, config, subscription);
  if (outcome.applied && pendingTier !== undefined) {
    await tx.$executeRaw`
      UPDATE subscriptions SET pending_tier = ${pendingTier}::"Tier"
      WHERE stripe_subscription_id = ${subscription.id}`;
  }
}

/** Mirrors what Stripe answered, in a transaction of its own. */
export function mirror(
  db: Database,
  config: BillingConfig,
  subscription: Stripe.Subscription,
  pendingTier?: Tier | null,
): Promise<void> {
  return db.$transaction((tx) => mirrorAnswer(tx, config, subscription, pendingTier));
}

/** The schedule (a scheduled downgrade) attached to the subscription, as Stripe has it. */
export function scheduleOf(subscription: Stripe.Subscription): string | null {
  return typeof subscription.schedule === "string"
    ? subscription.schedule
    : (subscription.schedule?.id ?? null);
}

/**
 * Lets go of the subscription's schedule, by Stripe's own state rather than the mirror's: an
 * earlier change that failed after creating one left a schedule the mirror does not know.
 */
export async function releaseSchedule(stripe: Stripe, subscriptionId: string): Promise<void> {
  const schedule = scheduleOf(await stripe.subscriptions.retrieve(subscriptionId));
  if (schedule) await stripe.subscriptionSchedules.release(schedule);
}
