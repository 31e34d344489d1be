// What an operator (or another backend through a service token) does with a user's plan. With
// Stripe configured and billing the user, every change goes through Stripe first and its answer is
// mirrored; otherwise the tier is a comp kept here. Each change is written with its audit entry.
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import { InvalidRequestError, StateConflictError } from "../../errors.ts";
import type { Tier } from "../../plans.ts";
import type {
  AdminCancelInput,
  AdminSetTierInput,
  SubscriptionView,
} from "../../schemas/billing.ts";
import { type BillingConfig, paymentsConfigured } from "../../stripe/config.ts";
import { auditAction } from "../audit.ts";
import type { Actor, Tx } from "../types.ts";
import { assertUserExists } from "../users.ts";
import { startSubscriptionCheckout } from "./checkout.ts";
import { priceOf, requirePayments } from "./customer.ts";
import { changePlan } from "./plan-changes.ts";
import { mirrorAnswer, releaseSchedule } from "./stripe-sync.ts";
import {
  calendarMonth,
  isLiveStripeSubscription,
  readSubscription,
  subscriptionView,
} from "./subscription-state.ts";

function auditState(view: SubscriptionView) {
  return {
    tier: view.tier,
    status: view.status,
    cancelAtPeriodEnd: view.cancelAtPeriodEnd,
    managedBy: view.managedBy,
  };
}

/**
 * Writes an operator's change (`write`: the mirror of Stripe's answer, or a comp) and its audit
 * entry in one transaction, so neither is ever there without the other. Stripe, when it bills the
 * user, was called before: its change stands either way, and its webhook converges the mirror.
 */
function writeAudited(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  change: { action: string; userId: string; reason: string; before: SubscriptionView },
  write: (tx: Tx) => Promise<unknown>,
): Promise<SubscriptionView> {
  return db.$transaction(async (tx) => {
    await write(tx);
    const after = subscriptionView(await readSubscription(tx, change.userId), config);
    await auditAction(tx, actor, {
      action: change.action,
      targetUserId: change.userId,
      before: auditState(change.before),
      after: auditState(after),
      reason: change.reason,
    });
    return after;
  });
}

/**
 * An operator sets a user's tier. On a live Stripe subscription (with payments configured) the
 * price changes in Stripe without proration, or FREE cancels it at once; otherwise it is a comp
 * kept here, counted in calendar months, with no allowance of its own.
 */
export async function setTierAsOperator(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: AdminSetTierInput,
): Promise<SubscriptionView> {
  await assertUserExists(db, input.userId);
  const row = await readSubscription(db, input.userId);
  const change = { ...input, action: "subscription.tier", before: subscriptionView(row, config) };
  const live = isLiveStripeSubscription(row);
  if (live && paymentsConfigured(config)) {
    const stripe = config.stripe;
    let answer: Stripe.Subscription;
    if (input.tier === "FREE") {
      answer = await stripe.subscriptions.cancel(row.stripe_subscription_id);
    } else {
      await releaseSchedule(stripe, row.stripe_subscription_id);
      const current = await stripe.subscriptions.retrieve(row.stripe_subscription_id);
      const item = current.items.data[0];
      if (!item) throw new StateConflictError("The subscription has no plan item to change.");
      answer = await stripe.subscriptions.update(row.stripe_subscription_id, {
        items: [{ id: item.id, price: priceOf(config, input.tier) }],
        proration_behavior: "none",
      });
    }
    return writeAudited(db, config, actor, change, (tx) => mirrorAnswer(tx, config, answer, null));
  }
  if (live) {
    throw new InvalidRequestError(
      "This subscription is billed through Stripe, which is not configured here: change it in Stripe.",
      "tier",
    );
  }
  const month = calendarMonth(new Date());
  return writeAudited(db, config, actor, change, (tx) =>
    input.tier === "FREE"
      ? tx.$executeRaw`
          UPDATE subscriptions SET status = 'CANCELED', canceled_at = now(), pending_tier = NULL, updated_at = now()
          WHERE user_id = ${input.userId}::uuid AND status <> 'CANCELED'`
      : tx.$executeRaw`
          INSERT INTO subscriptions (id, user_id, tier, status, current_period_start, current_period_end)
          VALUES (gen_random_uuid(), ${input.userId}::uuid, ${input.tier}::"Tier", 'ACTIVE', ${month.start}, ${month.end})
          ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, status = 'ACTIVE',
            current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end,
            cancel_at_period_end = false, canceled_at = NULL, past_due_since = NULL, pending_tier = NULL,
            stripe_subscription_id = NULL, stripe_price_id = NULL, stripe_schedule_id = NULL, updated_at = now()`,
  );
}

/** An operator cancels now or at the period's end (through Stripe when it bills the user). */
export async function cancelAsOperator(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: AdminCancelInput,
): Promise<SubscriptionView> {
  await assertUserExists(db, input.userId);
  const row = await readSubscription(db, input.userId);
  if (!row || row.status === "CANCELED") {
    throw new StateConflictError("This user has no subscription to cancel.");
  }
  const change = {
    ...input,
    action: input.atPeriodEnd ? "subscription.cancel_at_period_end" : "subscription.cancel",
    before: subscriptionView(row, config),
  };
  if (row.stripe_subscription_id) {
    const billing = requirePayments(config);
    await releaseSchedule(billing.stripe, row.stripe_subscription_id);
    const answer = input.atPeriodEnd
      ? await billing.stripe.subscriptions.update(row.stripe_subscription_id, {
          cancel_at_period_end: true,
        })
      : await billing.stripe.subscriptions.cancel(row.stripe_subscription_id);
    return writeAudited(db, config, actor, change, (tx) => mirrorAnswer(tx, config, answer, null));
  }
  return writeAudited(db, config, actor, change, (tx) =>
    input.atPeriodEnd
      ? tx.$executeRaw`
          UPDATE subscriptions SET cancel_at_period_end = true, updated_at = now() WHERE id = ${row.id}::uuid`
      : tx.$executeRaw`
          UPDATE subscriptions SET status = 'CANCELED', canceled_at = now(), updated_at = now()
          WHERE id = ${row.id}::uuid`,
  );
}

/** An operator undoes a cancellation at period end. */
export async function resumeAsOperator(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: { userId: string; reason: string },
): Promise<SubscriptionView> {
  await assertUserExists(db, input.userId);
  const row = await readSubscription(db, input.userId);
  if (!row?.cancel_at_period_end || row.status === "CANCELED") {
    throw new StateConflictError(
      "This subscription is not set to cancel, so there is nothing to resume.",
    );
  }
  const change = { ...input, action: "subscription.resume", before: subscriptionView(row, config) };
  if (row.stripe_subscription_id) {
    const billing = requirePayments(config);
    const answer = await billing.stripe.subscriptions.update(row.stripe_subscription_id, {
      cancel_at_period_end: false,
    });
    return writeAudited(db, config, actor, change, (tx) => mirrorAnswer(tx, config, answer));
  }
  return writeAudited(
    db,
    config,
    actor,
    change,
    (tx) => tx.$executeRaw`
      UPDATE subscriptions SET cancel_at_period_end = false, updated_at = now() WHERE id = ${row.id}::uuid`,
  );
}

/**
 * Moves a user to `tier` for another backend (a service token): through Stripe when it bills the
 * user (a change of the live subscription, prorated as if the user made it); a first paid plan
 * needs the user at Checkout, so its URL is returned; without payments configured, a comp. Moving
 * a user without a live Stripe subscription to FREE changes nothing.
 */
export async function moveToTierForBackend(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: { userId: string; tier: Tier; origin: string },
): Promise<{ checkoutUrl: string | null }> {
  await assertUserExists(db, input.userId);
  if (!paymentsConfigured(config)) {
    await setTierAsOperator(db, config, actor, {
      userId: input.userId,
      tier: input.tier,
      reason: changedByServiceReason(actor),
    });
    return { checkoutUrl: null };
  }
  const row = await readSubscription(db, input.userId);
  if (isLiveStripeSubscription(row)) {
    const after = await changePlan(db, config, input.userId, input.tier);
    // changePlan made the change in Stripe and mirrored it in its own writes: audited after them.
    await auditAction(db, actor, {
      action: "subscription.tier",
      targetUserId: input.userId,
      before: auditState(subscriptionView(row, config)),
      after: auditState(after),
      reason: changedByServiceReason(actor),
    });
    return { checkoutUrl: null };
  }
  if (input.tier === "FREE") return { checkoutUrl: null };
  const checkout = await startSubscriptionCheckout(
    db,
    config,
    input.userId,
    input.tier,
    input.origin,
  );
  return { checkoutUrl: checkout.url };
}

/** The reason on an audit entry of a change another backend made through the service API. */
export function changedByServiceReason(actor: Actor): string {
  return `Changed through the service API (token ${actor.id})`;
}
