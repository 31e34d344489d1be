// What operators read about billing: subscriptions by tier, events that need attention, payments
// whose credits could not all be taken back, and second live subscriptions.
import type { Database } from "@credits/db";
import type { Tier } from "../../plans.ts";

/**
 * Users with a second live Stripe subscription besides the one in use (which alone sets the tier
 * and grants credits): by the latest event Stripe sent about each subscription in the last 90 days,
 * those still live that are not the user's mirrored one, while that one is live too. Stripe bills
 * both, so an operator cancels (and refunds) one of them in Stripe; its cancellation event then
 * takes it off this list.
 */
function secondStripeSubscriptions(db: Database) {
  return db.$queryRaw<
    {
      user_id: string;
      email: string;
      subscription_id: string;
      status: "active" | "trialing" | "past_due" | "unpaid";
      in_use: string | null;
      seen_at: Date;
    }[]
  >`
    SELECT latest.user_id, u.email, latest.subscription_id, latest.status,
      s.stripe_subscription_id AS in_use, latest.seen_at
    FROM (
      SELECT DISTINCT ON (e.payload #>> '{data,object,id}') e.user_id,
        e.payload #>> '{data,object,id}' AS subscription_id,
        e.payload #>> '{data,object,status}' AS status, e.received_at AS seen_at
      FROM stripe_events e
      WHERE e.type LIKE 'customer.subscription.%' AND e.user_id IS NOT NULL
        AND e.received_at > now() - interval '90 days'
      ORDER BY e.payload #>> '{data,object,id}', e.event_created_at DESC, e.received_at DESC
    ) latest
    JOIN subscriptions s ON s.user_id = latest.user_id
    JOIN users u ON u.id = latest.user_id
    WHERE latest.status IN ('active', 'trialing', 'past_due', 'unpaid')
      AND s.status IN ('ACTIVE', 'TRIALING', 'PAST_DUE')
      AND s.stripe_subscription_id IS DISTINCT FROM latest.subscription_id
    ORDER BY latest.seen_at DESC
    LIMIT 20`;
}

/** Billing figures for the overview: live subscriptions by tier and what needs attention. */
export async function billingOverview(db: Database) {
  const [byTier, failed, shortfalls, seconds] = await Promise.all([
    db.$queryRaw<{ tier: Tier; status: string; count: bigint }[]>`
      SELECT tier, status, COUNT(*)::bigint AS count FROM subscriptions
      WHERE status IN ('ACTIVE', 'TRIALING', 'PAST_DUE')
      GROUP BY tier, status`,
    db.$queryRaw<
      { count: bigint }[]
    >`SELECT COUNT(*)::bigint AS count FROM stripe_events WHERE status = 'FAILED'`,
    db.$queryRaw<
      { id: string; user_id: string; email: string; shortfall: bigint; updated_at: Date }[]
    >`
      SELECT p.id, p.user_id, u.email, p.shortfall, p.updated_at
      FROM stripe_payments p JOIN users u ON u.id = p.user_id
      WHERE p.shortfall > 0 ORDER BY p.updated_at DESC LIMIT 10`,
    secondStripeSubscriptions(db),
  ]);
  const tiers = { PRO: 0, PREMIUM: 0, FREE: 0 } satisfies Record<Tier, number>;
  let pastDue = 0;
  for (const row of byTier) {
    tiers[row.tier] += Number(row.count);
    if (row.status === "PAST_DUE") pastDue += Number(row.count);
  }
  return {
    subscriptionsByTier: tiers,
    pastDue,
    failedStripeEvents: Number(failed[0]?.count ?? 0n),
    shortfalls: shortfalls.map((row) => ({
      paymentId: row.id,
      userId: row.user_id,
      email: row.email,
      credits: Number(row.shortfall),
      updatedAt: row.updated_at,
    })),
    secondSubscriptions: seconds.map((row) => ({
      userId: row.user_id,
      email: row.email,
      stripeSubscriptionId: row.subscription_id,
      status: row.status,
      inUse: row.in_use,
      seenAt: row.seen_at,
    })),
  };
}

/** Emails of users whose subscription is live on `tier`, a page at a time (for bulk grants). */
export async function listTierMembers(
  db: Database,
  tier: Exclude<Tier, "FREE">,
  cursor: string | null | undefined,
  limit: number,
) {
  const rows = await db.$queryRaw<{ id: string; email: string }[]>`
    SELECT u.id, u.email FROM subscriptions s JOIN users u ON u.id = s.user_id
    WHERE s.tier = ${tier}::"Tier" AND s.status IN ('ACTIVE', 'TRIALING', 'PAST_DUE')
      AND (${cursor ?? null}::uuid IS NULL OR u.id > ${cursor ?? null}::uuid)
    ORDER BY u.id LIMIT ${limit + 1}`;
  const [total] = await db.$queryRaw<{ count: bigint }[]>`
    SELECT COUNT(*)::bigint AS count FROM subscriptions
    WHERE tier = ${tier}::"Tier" AND status IN ('ACTIVE', 'TRIALING', 'PAST_DUE')`;
  const page = rows.slice(0, limit);
  return {
    emails: page.map((row) => row.email),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    total: Number(total?.count ?? 0n),
  };
}
