// The auto top-up round the worker runs: accounts whose available credits fell below their
// threshold get one off-session charge each. The charge is decided under the settings row's lock
// (so rounds running side by side start one), recorded as a pending attempt (a partial unique index
// keeps one in flight per account) and only then sent to Stripe, with the attempt's idempotency
// key: a retry after a crash or a timeout is the same payment intent, never a second charge.
import type { Database } from "@credits/db";
import Stripe from "stripe";
import { findCreditPack } from "../../../plans.ts";
import type { BillingConfig } from "../../../stripe/config.ts";
import { failAutoTopup } from "./outcome.ts";
import { boughtThisMonth } from "./settings.ts";

/** The most accounts one round charges; the next round takes the rest. */
const roundSize = 100;

/** A pending charge not sent for this long is sent again (its process died, or Stripe timed out). */
const resendAfterSeconds = 60;

export interface AutoTopupRound {
  /** Charges sent to Stripe (new ones and resends). */
  charged: number;
  /** Charges Stripe refused at once (the card was declined or needs authentication). */
  failed: number;
  /** Accounts below their threshold that the monthly cap stopped. */
  capped: number;
  /** Charges Stripe did not answer (unreachable, an API error): resent with the same key later. */
  unsent: number;
}

interface Charge {
  attemptId: string;
  key: string;
  userId: string;
  appId: string;
  packId: string;
  amountCents: number;
  customer: string | null;
  paymentMethod: string | null;
}

/**
 * Starts the charge of one due account, under its settings row's lock: still on, still below the
 * threshold, nothing in flight, and the pack fits in what the monthly cap leaves.
 */
async function startCharge(db: Database, settingsId: string): Promise<Charge | "capped" | null> {
  return db.$transaction(async (tx) => {
    // The lock first, on its own: the state is read by the next statement, with a snapshot taken
    // after the lock was granted (in one statement, a round that waited would read the old state).
    const locked = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM auto_topup_settings WHERE id = ${settingsId}::uuid AND enabled FOR UPDATE`;
    if (locked.length === 0) return null;
    const [row] = await tx.$queryRaw<
      {
        user_id: string;
        app_id: string;
        below: bigint;
        pack_id: string;
        cap: bigint;
        payment_method: string;
        customer: string | null;
        available: bigint;
        pending: boolean;
      }[]
    >`
      SELECT s.user_id::text AS user_id, s.app_id, s.below_credits AS below, s.pack_id,
        s.monthly_cap_credits AS cap, s.stripe_payment_method_id AS payment_method,
        u.stripe_customer_id AS customer,
        COALESCE((SELECT a.balance - credits_account_held(a.id) FROM credit_accounts a
          WHERE a.user_id = s.user_id AND a.app_id = s.app_id), 0)::bigint AS available,
        EXISTS (SELECT 1 FROM auto_topup_attempts p WHERE p.user_id = s.user_id
          AND p.app_id = s.app_id AND p.status = 'pending') AS pending
      FROM auto_topup_settings s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${settingsId}::uuid`;
    if (!row || row.pending || row.available >= row.below) return null;
    const pack = findCreditPack(row.pack_id);
    if (!pack) return null;
    if ((await boughtThisMonth(tx, row.user_id, row.app_id)) + pack.credits > Number(row.cap)) {
      return "capped";
    }
    const [counted] = await tx.$queryRaw<{ crossings: number }[]>`
      UPDATE auto_topup_settings SET crossings = crossings + 1 WHERE id = ${settingsId}::uuid
      RETURNING crossings`;
    const key = `autotopup:${settingsId}:${counted?.crossings}`;
    const [attempt] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO auto_topup_attempts (settings_id, user_id, app_id, idempotency_key, pack_id,
        credits, amount_cents)
      VALUES (${settingsId}::uuid, ${row.user_id}::uuid, ${row.app_id}, ${key}, ${pack.id},
        ${pack.credits}::bigint, ${pack.priceCents})
      ON CONFLICT DO NOTHING
      RETURNING id::text AS id`;
    if (!attempt) return null;
    return {
      attemptId: attempt.id,
      key,
      userId: row.user_id,
      appId: row.app_id,
      packId: pack.id,
      amountCents: pack.priceCents,
      customer: row.customer,
      paymentMethod: row.payment_method,
    };
  });
}

/** Pending charges that were never answered by Stripe, claimed for resending (a lease). */
async function staleCharges(db: Database): Promise<Charge[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      key: string;
      user_id: string;
      app_id: string;
      pack_id: string;
      amount_cents: number;
      customer: string | null;
      payment_method: string | null;
    }[]
  >`
    WITH claimed AS (
      UPDATE auto_topup_attempts SET updated_at = clock_timestamp()
      WHERE id IN (SELECT id FROM auto_topup_attempts
        WHERE status = 'pending' AND payment_intent_id IS NULL
          AND updated_at < clock_timestamp() - make_interval(secs => ${resendAfterSeconds})
        LIMIT ${roundSize} FOR UPDATE SKIP LOCKED)
      RETURNING *
    )
    SELECT c.id::text AS id, c.idempotency_key AS key, c.user_id::text AS user_id, c.app_id,
      c.pack_id, c.amount_cents, u.stripe_customer_id AS customer,
      s.stripe_payment_method_id AS payment_method
    FROM claimed c JOIN users u ON u.id = c.user_id JOIN auto_topup_settings s ON s.id = c.settings_id`;
  return rows.map((row) => ({
    attemptId: row.id,
    key: row.key,
    userId: row.user_id,
    appId: row.app_id,
    packId: row.pack_id,
    amountCents: row.amount_cents,
    customer: row.customer,
    paymentMethod: row.payment_method,
  }));
}

/**
 * Sends the charge to Stripe. A card error (declined, authentication needed) or a request Stripe
 * refuses (the card is gone) ends it as failed; any other error leaves it pending, to be resent
 * with the same key.
 */
async function sendCharge(
  db: Database,
  stripe: Stripe,
  charge: Charge,
): Promise<"sent" | "failed"> {
  const fail = (code: string | null, message: string, paymentIntentId: string | null = null) =>
    db.$transaction((tx) =>
      failAutoTopup(tx, charge.attemptId, { code, message, paymentIntentId }),
    );
  if (!charge.customer || !charge.paymentMethod) {
    await fail(null, "No saved card to charge.");
    return "failed";
  }
  try {
    const intent = await stripe.paymentIntents.create(
      {
        amount: charge.amountCents,
        currency: "usd",
        customer: charge.customer,
        payment_method: charge.paymentMethod,
        off_session: true,
        confirm: true,
        description: `Auto top-up (${charge.packId})`,
        metadata: {
          user_id: charge.userId,
          app_id: charge.appId,
          pack_id: charge.packId,
          auto_topup_attempt_id: charge.attemptId,
        },
      },
      { idempotencyKey: charge.key },
    );
    await db.$executeRaw`
      UPDATE auto_topup_attempts SET payment_intent_id = ${intent.id}, updated_at = clock_timestamp()
      WHERE id = ${charge.attemptId}::uuid AND payment_intent_id IS NULL`;
    return "sent";
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) {
      await fail(error.code ?? null, error.message, error.payment_intent?.id ?? null);
      return "failed";
    }
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      await fail(error.code ?? null, error.message);
      return "failed";
    }
    throw error;
  }
}

/**
 * One round: starts a charge for every account that is due (and resends stale ones). Safe to run
 * in several processes at once. Without Stripe configured it does nothing.
 */
export async function runAutoTopups(db: Database, config: BillingConfig): Promise<AutoTopupRound> {
  const round: AutoTopupRound = { charged: 0, failed: 0, capped: 0, unsent: 0 };
  const { stripe } = config;
  if (!stripe) return round;
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT s.id::text AS id FROM auto_topup_settings s
    LEFT JOIN credit_accounts a ON a.user_id = s.user_id AND a.app_id = s.app_id
    WHERE s.enabled
      AND COALESCE(a.balance - credits_account_held(a.id), 0) < s.below_credits
      AND NOT EXISTS (SELECT 1 FROM auto_topup_attempts p
        WHERE p.user_id = s.user_id AND p.app_id = s.app_id AND p.status = 'pending')
    LIMIT ${roundSize}`;
  const charges: Charge[] = await staleCharges(db);
  for (const { id } of due) {
    const started = await startCharge(db, id);
    if (started === "capped") round.capped += 1;
    else if (started) charges.push(started);
  }
  for (const charge of charges) {
    const outcome = await sendCharge(db, stripe, charge).catch(() => "unsent" as const);
    round[outcome === "sent" ? "charged" : outcome] += 1;
  }
  return round;
}
