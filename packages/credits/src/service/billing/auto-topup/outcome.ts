// How an auto top-up charge ends: paid (Stripe's payment_intent.succeeded grants the pack, once,
// through the same claim as a Checkout pack) or failed (a decline answered to the charge, or
// payment_intent.payment_failed; whichever comes first turns auto top-up off and reports it).
import { findCreditPack } from "../../../plans.ts";
import { recordEvent } from "../../events/record.ts";
import { available } from "../../ledger.ts";
import { grantCreditPack } from "../../payments/grants.ts";
import type { Queryable, Tx } from "../../types.ts";

interface AttemptRow {
  id: string;
  settings_id: string;
  user_id: string;
  app_id: string;
  pack_id: string;
  credits: bigint;
  amount_cents: number;
  status: "pending" | "succeeded" | "failed";
}

/** An auto_topup.* event of the charge, with the account's state after it. */
async function recordAttemptEvent(
  tx: Queryable,
  type: "auto_topup.succeeded" | "auto_topup.failed",
  attempt: AttemptRow,
  paymentIntentId: string | null,
  extra: Record<string, unknown>,
): Promise<void> {
  await recordEvent(tx, {
    type,
    userId: attempt.user_id,
    appId: attempt.app_id,
    data: {
      attempt_id: attempt.id,
      pack_id: attempt.pack_id,
      credits: Number(attempt.credits),
      amount_cents: attempt.amount_cents,
      payment_intent_id: paymentIntentId,
      ...extra,
      ...(await accountState(tx, attempt.user_id, attempt.app_id)),
    },
  });
}
/** What the user reads on the billing page after a failed charge: what happened, what to do. */
export function failureReason(code: string | null): string {
  if (code === "authentication_required") {
    return "Your bank asked to confirm the payment, which cannot be done while you are away; auto top-up is off. Save your card again (confirming it with your bank) and turn it back on.";
  }
  if (code === "card_declined" || code === "expired_card" || code === "insufficient_funds") {
    return "Your card was declined; auto top-up is off. Update your card and turn it back on.";
  }
  return "The payment for your auto top-up failed; auto top-up is off. Update your card and turn it back on.";
}

async function accountState(db: Queryable, userId: string, appId: string) {
  const [row] = await db.$queryRaw<{ balance: bigint; held: bigint }[]>`
    SELECT balance, credits_account_held(id) AS held FROM credit_accounts
    WHERE user_id = ${userId}::uuid AND app_id = ${appId}`;
  const balance = Number(row?.balance ?? 0);
  return { balance, available: available({ balance, held: Number(row?.held ?? 0) }) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function lockAttempt(tx: Queryable, attemptId: string): Promise<AttemptRow | undefined> {
  if (!uuidPattern.test(attemptId)) return undefined;
  const [row] = await tx.$queryRaw<AttemptRow[]>`
    SELECT id::text AS id, settings_id::text AS settings_id, user_id::text AS user_id, app_id,
      pack_id, credits, amount_cents, status
    FROM auto_topup_attempts WHERE id = ${attemptId}::uuid FOR UPDATE`;
  return row;
}

/**
 * Marks a pending charge failed, turns the account's auto top-up off with the reason and records
 * auto_topup.failed; false when the charge had already ended (a second report of the failure).
 */
export async function failAutoTopup(
  tx: Queryable,
  attemptId: string,
  failure: { code: string | null; message: string; paymentIntentId: string | null },
): Promise<{ userId: string | null; failed: boolean }> {
  const attempt = await lockAttempt(tx, attemptId);
  if (!attempt) return { userId: null, failed: false };
  if (attempt.status !== "pending") return { userId: attempt.user_id, failed: false };
  const [updated] = await tx.$queryRaw<{ payment_intent_id: string | null }[]>`
    UPDATE auto_topup_attempts SET status = 'failed', failure_code = ${failure.code},
      failure_message = ${failure.message.slice(0, 500)},
      payment_intent_id = COALESCE(payment_intent_id, ${failure.paymentIntentId}),
      updated_at = clock_timestamp()
    WHERE id = ${attempt.id}::uuid
    RETURNING payment_intent_id`;
  await tx.$executeRaw`
    UPDATE auto_topup_settings SET enabled = false, disabled_reason = ${failureReason(failure.code)},
      updated_at = clock_timestamp()
    WHERE id = ${attempt.settings_id}::uuid`;
  await recordAttemptEvent(tx, "auto_topup.failed", attempt, updated?.payment_intent_id ?? null, {
    failure_code: failure.code,
    failure_message: failure.message,
    auto_topup_enabled: false,
  });
  return { userId: attempt.user_id, failed: true };
}

/**
 * Grants the pack a paid auto top-up bought, once per payment intent (a second delivery of the
 * event claims nothing), marks the charge succeeded and records auto_topup.succeeded.
 */
export async function completeAutoTopup(
  tx: Tx,
  attemptId: string,
  intent: { id: string; amountReceived: number; currency: string },
): Promise<{ userId: string | null; granted: boolean; note?: string }> {
  const attempt = await lockAttempt(tx, attemptId);
  if (!attempt) return { userId: null, granted: false, note: "No such auto top-up charge here." };
  const pack = findCreditPack(attempt.pack_id);
  if (!pack) {
    return { userId: attempt.user_id, granted: false, note: "The auto top-up's pack is gone." };
  }
  const { granted } = await grantCreditPack(
    tx,
    {
      id: intent.id,
      userId: attempt.user_id,
      appId: attempt.app_id,
      paymentIntentId: intent.id,
      amountPaid: intent.amountReceived,
      currency: intent.currency,
    },
    { name: pack.name, credits: Number(attempt.credits) },
    {
      description: `Auto top-up: ${pack.name}`,
      metadata: { autoTopupAttempt: attempt.id, paymentIntent: intent.id },
    },
  );
  if (!granted) {
    return { userId: attempt.user_id, granted: false, note: "These credits were already granted." };
  }
  // Succeeded even after a failure was recorded: the money was taken, so the credits are due.
  await tx.$executeRaw`
    UPDATE auto_topup_attempts SET status = 'succeeded', payment_intent_id = ${intent.id},
      failure_code = NULL, failure_message = NULL, updated_at = clock_timestamp()
    WHERE id = ${attempt.id}::uuid`;
  await recordAttemptEvent(tx, "auto_topup.succeeded", attempt, intent.id, {});
  return { userId: attempt.user_id, granted: true };
}
