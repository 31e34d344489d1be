// What users and operators do with plans: Checkout for a first subscription and for credit packs,
// tier changes (upgrades now with proration, downgrades at period end through a subscription
// schedule), cancel and resume, the billing portal, and operators' comps. With Stripe configured,
// every change goes through Stripe first and the answer is mirrored at once (the webhook that
// follows converges to the same state); without it, operators keep tiers by hand.
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import type { AdminCancelInput, AdminSetTierInput, SubscriptionView } from "../billing-schemas.ts";
import {
  BillingNotConfiguredError,
  InvalidRequestError,
  NotFoundError,
  StateConflictError,
} from "../errors.ts";
import { type CreditPack, plans, type Tier } from "../plans.ts";
import { type BillingConfig, paymentsConfigured } from "../stripe/config.ts";
import { recordAudit } from "./audit.ts";
import {
  calendarMonth,
  isUpgrade,
  lockStripeSubscription,
  mirrorStripeSubscription,
  readSubscription,
  type SubscriptionRow,
  subscriptionView,
} from "./subscriptions.ts";
import type { Actor, Tx } from "./types.ts";

export async function getSubscription(
  db: Database,
  config: BillingConfig,
  userId: string,
): Promise<SubscriptionView> {
  return subscriptionView(await readSubscription(db, userId), config);
}

function requirePayments(config: BillingConfig): BillingConfig & { stripe: Stripe } {
  if (!paymentsConfigured(config)) throw new BillingNotConfiguredError();
  return config;
}

function priceOf(config: BillingConfig, tier: Exclude<Tier, "FREE">): string {
  const price = config.prices[tier];
  if (!price) throw new BillingNotConfiguredError();
  return price;
}

/** The user's Stripe customer, created on first need (one per user, kept on the user row). */
async function ensureCustomer(db: Database, stripe: Stripe, userId: string): Promise<string> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, name: true, stripeCustomerId: true },
  });
  if (!user) throw new NotFoundError("user", userId);
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripe.customers.create(
    { email: user.email, name: user.name ?? undefined, metadata: { user_id: userId } },
    { idempotencyKey: `customer-for-${userId}` },
  );
  // Two requests racing here get the same customer (Stripe's idempotency key); the first write wins.
  await db.$executeRaw`
    UPDATE users SET stripe_customer_id = ${customer.id}
    WHERE id = ${userId}::uuid AND stripe_customer_id IS NULL`;
  const saved = await db.user.findUnique({
    where: { id: userId },
    select: { stripeCustomerId: true },
  });
  return saved?.stripeCustomerId ?? customer.id;
}

function returnUrl(config: BillingConfig, origin: string, query = ""): string {
  return `${config.appUrl ?? origin}/billing${query}`;
}

/** Creates a Checkout session for the customer and returns the page to send the user to. */
async function createCheckout(
  stripe: Stripe,
  config: BillingConfig,
  customer: string,
  userId: string,
  origin: string,
  params: Omit<
    Stripe.Checkout.SessionCreateParams,
    "customer" | "client_reference_id" | "success_url" | "cancel_url"
  > & { resultParam: string },
): Promise<{ url: string }> {
  const { resultParam, ...session } = params;
  const created = await stripe.checkout.sessions.create({
    ...session,
    customer,
    client_reference_id: userId,
    success_url: returnUrl(config, origin, `?${resultParam}=success`),
    cancel_url: returnUrl(config, origin, `?${resultParam}=canceled`),
  });
  if (!created.url) throw new Error("Stripe returned a checkout session without a URL");
  return { url: created.url };
}

/** Stripe statuses of a subscription that still exists for the customer (it bills, or will). */
const existingStatuses = new Set<Stripe.Subscription.Status>([
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "incomplete",
  "paused",
]);

/** Why a user who still has a Stripe subscription cannot subscribe again, and what to do instead. */
function alreadySubscribed(status: Stripe.Subscription.Status): StateConflictError {
  if (status === "past_due" || status === "unpaid") {
    return new StateConflictError(
      "Your last payment failed, so your plan is on hold: update your payment method (Payment methods & invoices) instead of subscribing again.",
    );
  }
  if (status === "incomplete" || status === "paused") {
    return new StateConflictError(
      "Your subscription is waiting for a payment: complete it under Payment methods & invoices instead of subscribing again.",
    );
  }
  return new StateConflictError(
    "You already have a paid plan: change it from the billing page instead of subscribing again.",
  );
}

const stripeStatusOf: Record<SubscriptionRow["status"], Stripe.Subscription.Status> = {
  ACTIVE: "active",
  TRIALING: "trialing",
  PAST_DUE: "past_due",
  INCOMPLETE: "incomplete",
  CANCELED: "canceled",
};

/**
 * Starts Stripe Checkout for a first paid subscription. Refused while the user has a Stripe
 * subscription that is not canceled (past due or waiting for payment too): a second one would
 * bill them twice. Stripe itself is asked as well, as a finished Checkout's webhook may not have
 * arrived yet; and an older open subscription Checkout is expired, so that only the newest can be
 * paid. Serialised per user, so two requests cannot both pass the checks.
 */
export async function startSubscriptionCheckout(
  db: Database,
  config: BillingConfig,
  userId: string,
  tier: Exclude<Tier, "FREE">,
  origin: string,
): Promise<{ url: string }> {
  const { stripe } = requirePayments(config);
  const price = priceOf(config, tier);
  const current = await readSubscription(db, userId);
  if (current?.stripe_subscription_id && current.status !== "CANCELED") {
    throw alreadySubscribed(stripeStatusOf[current.status]);
  }
  const customer = await ensureCustomer(db, stripe, userId);
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`checkout:${userId}`}, 0))`;
      const subscriptions = await stripe.subscriptions.list({
        customer,
        status: "all",
        limit: 100,
      });
      const existing = subscriptions.data.find((item) => existingStatuses.has(item.status));
      if (existing) throw alreadySubscribed(existing.status);
      const open = await stripe.checkout.sessions.list({ customer, status: "open", limit: 100 });
      for (const session of open.data) {
        if (session.mode === "subscription") await stripe.checkout.sessions.expire(session.id);
      }
      return createCheckout(stripe, config, customer, userId, origin, {
        mode: "subscription",
        line_items: [{ price, quantity: 1 }],
        metadata: { user_id: userId, tier },
        subscription_data: { metadata: { user_id: userId } },
        resultParam: "checkout",
      });
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/** Starts a one-time Checkout for a credit pack; the credits come with the paid-session event. */
export async function startCreditPackCheckout(
  db: Database,
  config: BillingConfig,
  userId: string,
  pack: CreditPack,
  origin: string,
): Promise<{ url: string }> {
  const { stripe } = requirePayments(config);
  const customer = await ensureCustomer(db, stripe, userId);
  return createCheckout(stripe, config, customer, userId, origin, {
    mode: "payment",
    line_items: [
      {
        price_data: {
          currency: "usd",
          unit_amount: pack.priceCents,
          product_data: { name: pack.name },
        },
        quantity: 1,
      },
    ],
    metadata: { user_id: userId, pack_id: pack.id },
    payment_intent_data: { metadata: { user_id: userId, pack_id: pack.id } },
    resultParam: "purchase",
  });
}

/** Opens the Stripe billing portal (payment methods, invoices) for the user's customer. */
export async function openBillingPortal(
  db: Database,
  config: BillingConfig,
  userId: string,
  origin: string,
): Promise<{ url: string }> {
  const billing = requirePayments(config);
  const customer = await ensureCustomer(db, billing.stripe, userId);
  const session = await billing.stripe.billingPortal.sessions.create({
    customer,
    return_url: returnUrl(config, origin),
  });
  return { url: session.url };
}

/**
 * Writes what Stripe answered into `tx`, under the same per-subscription lock the webhook takes;
 * `pendingTier` (when given) is the downgrade now scheduled, or null for none.
 */
async function mirrorAnswer(
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
function mirror(
  db: Database,
  config: BillingConfig,
  subscription: Stripe.Subscription,
  pendingTier?: Tier | null,
): Promise<void> {
  return db.$transaction((tx) => mirrorAnswer(tx, config, subscription, pendingTier));
}

function liveStripeSubscription(row: SubscriptionRow | null): SubscriptionRow & {
  stripe_subscription_id: string;
} {
  if (!row?.stripe_subscription_id || row.status === "CANCELED" || row.status === "INCOMPLETE") {
    throw new StateConflictError("There is no paid subscription to change: choose a plan first.");
  }
  return row as SubscriptionRow & { stripe_subscription_id: string };
}

/** The schedule (a scheduled downgrade) attached to the subscription, as Stripe has it. */
function scheduleOf(subscription: Stripe.Subscription): string | null {
  return typeof subscription.schedule === "string"
    ? subscription.schedule
    : (subscription.schedule?.id ?? null);
}

/**
 * Lets go of the subscription's schedule, by Stripe's own state rather than the mirror's: an
 * earlier change that failed after creating one left a schedule the mirror does not know.
 */
async function releaseSchedule(stripe: Stripe, subscriptionId: string): Promise<void> {
  const schedule = scheduleOf(await stripe.subscriptions.retrieve(subscriptionId));
  if (schedule) await stripe.subscriptionSchedules.release(schedule);
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

// ─── Operators ───────────────────────────────────────────────────────────────────────────────

function auditState(view: SubscriptionView) {
  return {
    tier: view.tier,
    status: view.status,
    cancelAtPeriodEnd: view.cancelAtPeriodEnd,
    managedBy: view.managedBy,
  };
}

async function assertUser(tx: Tx | Database, userId: string): Promise<void> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM users WHERE id = ${userId}::uuid`;
  if (rows.length === 0) throw new NotFoundError("user", userId);
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
    // The audit log is of operators' actions; a service token's changes are in the request logs.
    if (actor.type === "ADMIN" && actor.id) {
      await recordAudit(tx, {
        actorId: actor.id,
        action: change.action,
        targetUserId: change.userId,
        before: auditState(change.before),
        after: auditState(after),
        reason: change.reason,
      });
    }
    return after;
  });
}

/**
 * An operator sets a user's tier. On a live Stripe subscription (with payments configured) the
 * price changes in Stripe without proration, or FREE cancels it at once; otherwise it is a comp
 * kept here, counted in calendar months, with no allowance of its own.
 */
export async function setTierByHand(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: AdminSetTierInput,
): Promise<SubscriptionView> {
  await assertUser(db, input.userId);
  const row = await readSubscription(db, input.userId);
  const change = { ...input, action: "subscription.tier", before: subscriptionView(row, config) };
  const live =
    row?.stripe_subscription_id && row.status !== "CANCELED" && row.status !== "INCOMPLETE";
  if (live && row?.stripe_subscription_id && paymentsConfigured(config)) {
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
export async function cancelByHand(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: AdminCancelInput,
): Promise<SubscriptionView> {
  await assertUser(db, input.userId);
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
export async function resumeByHand(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  input: { userId: string; reason: string },
): Promise<SubscriptionView> {
  await assertUser(db, input.userId);
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
