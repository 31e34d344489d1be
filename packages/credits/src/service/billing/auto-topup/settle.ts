// Charges whose webhook never came: Stripe answered the charge (so the attempt has its payment
// intent) but payment_intent.succeeded or .payment_failed did not arrive within
// AUTO_TOPUP_SETTLE_AFTER_SECONDS (an endpoint misconfigured, Stripe's retries given up). The
// worker's maintenance round asks Stripe for the intent and ends the charge through the same
// functions as the webhook, so whichever of the two comes second finds it ended.
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import { completeAutoTopup, failAutoTopup } from "./outcome.ts";

/** The most charges one maintenance round looks up; the next round takes the rest. */
const settleBatch = 50;

export interface SettleRound {
  /** Charges Stripe reported paid whose credits this round granted. */
  granted: number;
  /** Charges Stripe reported failed that this round ended (auto top-up turned off). */
  failed: number;
  /** Charges Stripe still reports in progress, or ended by their webhook meanwhile. */
  unchanged: number;
  /** Charges Stripe could not be asked about (unreachable, an API error): the next rounds retry. */
  unreachable: number;
}

/**
 * Intent statuses that can no longer turn into a payment without the customer: an off-session
 * charge cannot be authenticated (requires_action) or given another card (requires_payment_method).
 */
const failedStatuses = new Set<Stripe.PaymentIntent.Status>([
  "requires_payment_method",
  "requires_action",
  "canceled",
]);

/**
 * Claims overdue pending charges (a lease: their updated_at moves on, so another worker, or the
 * next round, looks again only after the interval) and returns their payment intents.
 */
async function claimOverdue(db: Database, afterSeconds: number) {
  return db.$queryRaw<{ id: string; payment_intent_id: string }[]>`
    UPDATE auto_topup_attempts SET updated_at = clock_timestamp()
    WHERE id IN (SELECT id FROM auto_topup_attempts
      WHERE status = 'pending' AND payment_intent_id IS NOT NULL
        AND updated_at < clock_timestamp() - make_interval(secs => ${afterSeconds})
      ORDER BY updated_at LIMIT ${settleBatch} FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, payment_intent_id`;
}

/** Ends one charge as Stripe reports its payment intent; unchanged while it is in progress. */
async function settleOne(
  db: Database,
  attemptId: string,
  intent: Stripe.PaymentIntent,
): Promise<"granted" | "failed" | "unchanged"> {
  if (intent.metadata?.auto_topup_attempt_id !== attemptId) return "unchanged";
  if (intent.status === "succeeded") {
    const { granted } = await db.$transaction((tx) =>
      completeAutoTopup(tx, attemptId, {
        id: intent.id,
        amountReceived: intent.amount_received,
        currency: intent.currency,
      }),
    );
    return granted ? "granted" : "unchanged";
  }
  if (!failedStatuses.has(intent.status)) return "unchanged";
  const error = intent.last_payment_error;
  const code =
    error?.code ?? (intent.status === "requires_action" ? "authentication_required" : null);
  const { failed } = await db.$transaction((tx) =>
    failAutoTopup(tx, attemptId, {
      code,
      message: error?.message ?? `The payment did not go through (${intent.status}).`,
      paymentIntentId: intent.id,
    }),
  );
  return failed ? "failed" : "unchanged";
}

/**
 * Looks up on Stripe the charges sent more than `afterSeconds` ago that are still pending, and
 * grants (once) or fails them as their webhook would have. A charge Stripe cannot be asked about
 * now stays pending for a later round.
 */
export async function settleOverdueAutoTopups(
  db: Database,
  stripe: Stripe,
  afterSeconds: number,
): Promise<SettleRound> {
  const round: SettleRound = { granted: 0, failed: 0, unchanged: 0, unreachable: 0 };
  for (const attempt of await claimOverdue(db, afterSeconds)) {
    const intent = await stripe.paymentIntents
      .retrieve(attempt.payment_intent_id)
      .catch(() => null);
    if (intent) round[await settleOne(db, attempt.id, intent)] += 1;
    else round.unreachable += 1;
  }
  return round;
}
