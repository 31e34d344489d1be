// Subscription state: which tier applies to a user now, the period their quotas count in, and how
// a Stripe subscription object is mirrored into the `subscriptions` row.
import type Stripe from "stripe";
import { InvariantError } from "../../errors.ts";
import { type Tier, tierRank } from "../../plans.ts";
import type { SubscriptionView } from "../../schemas/billing.ts";
import { type BillingConfig, paymentsConfigured, tierOfPrice } from "../../stripe/config.ts";
import type { Queryable, Tx } from "../types.ts";

type SubscriptionStatus = NonNullable<SubscriptionView["status"]>;

export interface SubscriptionRow {
  id: string;
  user_id: string;
  tier: Tier;
  status: SubscriptionStatus;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  past_due_since: Date | null;
  pending_tier: Tier | null;
  stripe_subscription_id: string | null;
  stripe_price_id: string | null;
  stripe_schedule_id: string | null;
}

/**
 * A Stripe subscription the user still has a plan through: one that is not canceled and not
 * waiting for its first payment, so a change goes through Stripe.
 */
export function isLiveStripeSubscription(
  row: SubscriptionRow | null,
): row is SubscriptionRow & { stripe_subscription_id: string } {
  return Boolean(
    row?.stripe_subscription_id && row.status !== "CANCELED" && row.status !== "INCOMPLETE",
  );
}

export async function readSubscription(
  db: Queryable,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<SubscriptionRow | null> {
  const rows = options.lock
    ? await db.$queryRaw<SubscriptionRow[]>`
        SELECT * FROM subscriptions WHERE user_id = ${userId}::uuid FOR UPDATE`
    : await db.$queryRaw<SubscriptionRow[]>`
        SELECT * FROM subscriptions WHERE user_id = ${userId}::uuid`;
  return rows[0] ?? null;
}

function graceEnd(row: SubscriptionRow, graceDays: number): Date | null {
  if (row.status !== "PAST_DUE") return null;
  const since = row.past_due_since ?? row.current_period_end;
  return new Date(since.getTime() + graceDays * 86_400_000);
}

/**
 * The tier whose limits apply at `now`: the subscription's while it is active or trialing, through
 * the grace period while PAST_DUE; FREE otherwise. An operator's comp cancelled at period end
 * lapses at that end (Stripe tells us about its own subscriptions).
 */
export function effectiveTier(row: SubscriptionRow | null, now: Date, graceDays: number): Tier {
  if (!row) return "FREE";
  switch (row.status) {
    case "ACTIVE":
    case "TRIALING":
      if (
        !row.stripe_subscription_id &&
        row.cancel_at_period_end &&
        now >= row.current_period_end
      ) {
        return "FREE";
      }
      return row.tier;
    case "PAST_DUE": {
      const end = graceEnd(row, graceDays);
      return end && now < end ? row.tier : "FREE";
    }
    default:
      return "FREE";
  }
}

export function calendarMonth(now: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

/**
 * The period quotas count in: a paid Stripe subscription's current billing period, otherwise the
 * calendar month (UTC). A tier change inside a period keeps what was used and changes the limit;
 * so does a past-due subscription falling back to FREE limits after its grace period (what was
 * used in the grace period still counts).
 */
export function quotaPeriod(
  row: SubscriptionRow | null,
  tier: Tier,
  now: Date,
): { start: Date; end: Date } {
  if (
    row?.stripe_subscription_id &&
    (tier !== "FREE" || row.status === "PAST_DUE") &&
    row.current_period_start <= now &&
    now < row.current_period_end
  ) {
    return { start: row.current_period_start, end: row.current_period_end };
  }
  return calendarMonth(now);
}

export function subscriptionView(
  row: SubscriptionRow | null,
  config: BillingConfig,
  now: Date = new Date(),
): SubscriptionView {
  const configured = paymentsConfigured(config);
  if (!row) {
    return {
      tier: "FREE",
      subscribedTier: null,
      status: null,
      currentPeriodStart: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      pendingTier: null,
      graceEndsAt: null,
      managedBy: "none",
      paymentsConfigured: configured,
    };
  }
  return {
    tier: effectiveTier(row, now, config.graceDays),
    subscribedTier: row.tier,
    status: row.status,
    currentPeriodStart: row.current_period_start,
    currentPeriodEnd: row.current_period_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    pendingTier: row.pending_tier,
    graceEndsAt: graceEnd(row, config.graceDays),
    managedBy: row.stripe_subscription_id ? "stripe" : "operator",
    paymentsConfigured: configured,
  };
}

const stripeStatuses: Record<Stripe.Subscription.Status, SubscriptionStatus> = {
  active: "ACTIVE",
  trialing: "TRIALING",
  past_due: "PAST_DUE",
  unpaid: "PAST_DUE",
  canceled: "CANCELED",
  incomplete: "INCOMPLETE",
  incomplete_expired: "CANCELED",
  paused: "INCOMPLETE",
};

/** Serialises everything that writes one Stripe subscription's mirror, until the transaction ends. */
export async function lockStripeSubscription(tx: Tx, stripeSubscriptionId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`stripe:${stripeSubscriptionId}`}, 0))`;
}

/** Finds whose subscription this is: by its id, its metadata, or its customer. */
async function ownerOf(tx: Tx, subscription: Stripe.Subscription): Promise<string | null> {
  const customerId =
    typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
  const metadataUser = subscription.metadata?.user_id ?? null;
  const rows = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM subscriptions WHERE stripe_subscription_id = ${subscription.id}
    UNION ALL
    SELECT id FROM users WHERE stripe_customer_id = ${customerId}
    UNION ALL
    SELECT id FROM users WHERE ${metadataUser}::text IS NOT NULL
      AND id::text = ${metadataUser}::text
    LIMIT 1`;
  return rows[0]?.user_id ?? null;
}

/** Mirror statuses of a subscription that is in force (the tier may apply, Stripe bills it). */
const liveStatuses = new Set<SubscriptionStatus>(["ACTIVE", "TRIALING", "PAST_DUE"]);

export type MirrorOutcome =
  | { applied: true; userId: string; row: SubscriptionRow }
  | { applied: false; userId: string | null; reason: string };

/**
 * Writes a Stripe subscription object (as Stripe has it now) into the user's row. The caller holds
 * lockStripeSubscription. A subscription of someone unknown, or an old subscription's news while
 * the user has another live one, changes nothing.
 */
export async function mirrorStripeSubscription(
  tx: Tx,
  config: BillingConfig,
  subscription: Stripe.Subscription,
): Promise<MirrorOutcome> {
  const userId = await ownerOf(tx, subscription);
  if (!userId) {
    return { applied: false, userId: null, reason: "No user is linked to this subscription." };
  }
  const item = subscription.items.data[0];
  if (!item) return { applied: false, userId, reason: "The subscription has no items." };
  const existing = await readSubscription(tx, userId, { lock: true });
  const tier = tierOfPrice(config, item.price.id) ?? existing?.tier ?? null;
  if (!tier) {
    return {
      applied: false,
      userId,
      reason: `The price ${item.price.id} is not one of this platform's plans.`,
    };
  }
  const status = stripeStatuses[subscription.status] ?? "INCOMPLETE";
  if (
    existing?.stripe_subscription_id &&
    existing.stripe_subscription_id !== subscription.id &&
    liveStatuses.has(existing.status)
  ) {
    // Never overwritten: the one in use stays. A second live one bills the customer twice, which
    // an operator must settle in Stripe; the overview lists it (secondStripeSubscriptions).
    return {
      applied: false,
      userId,
      reason: liveStatuses.has(status)
        ? `Second live subscription: the customer also has ${existing.stripe_subscription_id}, the one in use, so this one grants nothing and sets no tier. Cancel (and refund) one of them in Stripe.`
        : `An earlier subscription of this user; ${existing.stripe_subscription_id} is the one in use.`,
    };
  }
  const pastDueSince =
    status === "PAST_DUE"
      ? existing?.status === "PAST_DUE" && existing.stripe_subscription_id === subscription.id
        ? existing.past_due_since
        : new Date()
      : null;
  const pendingTier =
    subscription.schedule && existing?.pending_tier && existing.pending_tier !== tier
      ? existing.pending_tier
      : null;
  const scheduleId =
    typeof subscription.schedule === "string"
      ? subscription.schedule
      : (subscription.schedule?.id ?? null);
  const customerId =
    typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
  await tx.$executeRaw`
    UPDATE users SET stripe_customer_id = ${customerId}
    WHERE id = ${userId}::uuid AND stripe_customer_id IS NULL`;
  const [row] = await tx.$queryRaw<SubscriptionRow[]>`
    INSERT INTO subscriptions (id, user_id, tier, status, current_period_start, current_period_end,
      cancel_at_period_end, canceled_at, past_due_since, pending_tier, stripe_subscription_id,
      stripe_price_id, stripe_schedule_id)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${tier}::"Tier", ${status}::"SubscriptionStatus",
      to_timestamp(${item.current_period_start}), to_timestamp(${item.current_period_end}),
      ${subscription.cancel_at_period_end},
      ${subscription.canceled_at ? new Date(subscription.canceled_at * 1000) : null}::timestamptz,
      ${pastDueSince}::timestamptz, ${pendingTier}::"Tier", ${subscription.id}, ${item.price.id},
      ${scheduleId})
    ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, status = EXCLUDED.status,
      current_period_start = EXCLUDED.current_period_start,
      current_period_end = EXCLUDED.current_period_end,
      cancel_at_period_end = EXCLUDED.cancel_at_period_end, canceled_at = EXCLUDED.canceled_at,
      past_due_since = EXCLUDED.past_due_since, pending_tier = EXCLUDED.pending_tier,
      stripe_subscription_id = EXCLUDED.stripe_subscription_id,
      stripe_price_id = EXCLUDED.stripe_price_id, stripe_schedule_id = EXCLUDED.stripe_schedule_id,
      updated_at = now()
    RETURNING *`;
  if (!row) throw new InvariantError("the subscription upsert returned no row");
  return { applied: true, userId, row };
}

/** Whether moving from one tier to another is an upgrade (takes effect now, prorated). */
export function isUpgrade(from: Tier, to: Tier): boolean {
  return tierRank[to] > tierRank[from];
}
