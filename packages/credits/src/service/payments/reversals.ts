// Credits bought with money taken back: in proportion when Stripe refunds a payment, held while
// the payment is disputed and taken or released when the dispute closes. What cannot be taken back
// (already spent) is recorded on the payment as its shortfall.
import { recordDebitEvents } from "../events/debit-events.ts";
import { available, burnGrants, type LockedAccount, lockAccount, postEntry } from "../ledger.ts";
import { stripeActor, type Tx } from "../types.ts";

/** How long a disputed payment's credits stay held: longer than card networks take to decide. */
const disputeHoldDays = 120;

interface PaymentRow {
  id: string;
  user_id: string;
  app_id: string;
  amount_paid: bigint;
  credits: bigint;
  credits_clawed_back: bigint;
  shortfall: bigint;
  dispute_id: string | null;
  dispute_status: string | null;
  dispute_hold_id: string | null;
}

/** The payment behind a payment intent, locked after its owner's account (the lock order). */
async function lockPaymentByIntent(
  tx: Tx,
  paymentIntentId: string,
): Promise<{ payment: PaymentRow; account: LockedAccount } | null> {
  const [owner] = await tx.$queryRaw<{ user_id: string; app_id: string }[]>`
    SELECT user_id, app_id FROM stripe_payments WHERE payment_intent_id = ${paymentIntentId}`;
  if (!owner) return null;
  const account = await lockAccount(tx, owner.user_id, owner.app_id, { create: true });
  if (!account) return null;
  const [payment] = await tx.$queryRaw<PaymentRow[]>`
    SELECT id, user_id, app_id, amount_paid, credits, credits_clawed_back, shortfall, dispute_id,
      dispute_status, dispute_hold_id
    FROM stripe_payments WHERE payment_intent_id = ${paymentIntentId} FOR UPDATE`;
  return payment ? { payment, account } : null;
}

/**
 * Takes up to `wanted` credits back from the account (what is not held), as an ADJUSTMENT entry;
 * returns how many it took. The rest is the shortfall: credits already spent.
 */
async function takeBack(
  tx: Tx,
  account: LockedAccount,
  wanted: number,
  description: string,
  metadata: Record<string, unknown>,
): Promise<number> {
  const taken = Math.min(wanted, available(account));
  if (taken <= 0) return 0;
  const allocations = await burnGrants(tx, account.id, taken);
  const posted = await postEntry(tx, account, {
    type: "ADJUSTMENT",
    amount: -taken,
    description,
    actor: stripeActor,
    metadata: { ...metadata, grants: allocations },
  });
  await recordDebitEvents(tx, account, {
    entryType: "ADJUSTMENT",
    amount: taken,
    balance: posted.balance,
    availableBefore: available(account),
    availableAfter: available({ balance: posted.balance, held: account.held }),
    transactionId: posted.transactionId,
  });
  return taken;
}

export type ClawbackOutcome =
  | { found: false }
  | { found: true; userId: string; clawedBack: number; shortfall: number };

/**
 * A refund of a charge (cumulative `amountRefunded`, in cents) takes back the credits it bought in
 * proportion, never below zero; what cannot be taken is recorded as shortfall. Refund events of
 * one charge carry the running total, so duplicates and reordering converge. While a dispute of
 * the charge holds its credits, those are the first taken (they are this payment's credits, not
 * spent); what the payment still has outstanding afterwards stays on hold until the dispute closes.
 */
export async function clawBackRefund(
  tx: Tx,
  paymentIntentId: string,
  chargeId: string,
  amountRefunded: number,
): Promise<ClawbackOutcome> {
  const locked = await lockPaymentByIntent(tx, paymentIntentId);
  if (!locked) return { found: false };
  const { payment, account } = locked;
  const paid = Number(payment.amount_paid);
  const credits = Number(payment.credits);
  const target = paid > 0 ? Math.floor((credits * Math.min(amountRefunded, paid)) / paid) : credits;
  const wanted = Math.max(0, Math.min(target, credits) - settledCredits(payment));
  let taken = 0;
  if (wanted > 0) {
    const hold = await releaseDisputeHold(tx, payment);
    const unheld = { ...account, held: account.held - hold.amount };
    taken = await takeBack(tx, unheld, wanted, "Payment refunded: its credits were taken back", {
      charge: chargeId,
      payment: payment.id,
    });
    if (hold.amount > 0 && payment.dispute_id) {
      const outstanding = credits - settledCredits(payment) - wanted;
      const spendable = available({ balance: unheld.balance - taken, held: unheld.held });
      const reheld = await placeDisputeHold(
        tx,
        account.id,
        Math.min(outstanding, spendable),
        payment.dispute_id,
        hold.expiresAt,
      );
      await tx.$executeRaw`
        UPDATE stripe_payments SET dispute_hold_id = ${reheld}::uuid WHERE id = ${payment.id}`;
    }
  }
  await tx.$executeRaw`
    UPDATE stripe_payments SET amount_refunded = GREATEST(amount_refunded, LEAST(${amountRefunded}::bigint, amount_paid)),
      credits_clawed_back = credits_clawed_back + ${taken}::bigint,
      shortfall = shortfall + ${wanted - taken}::bigint, updated_at = now()
    WHERE id = ${payment.id}`;
  return { found: true, userId: payment.user_id, clawedBack: taken, shortfall: wanted - taken };
}

/** Credits of the payment already dealt with: taken back, or recorded as shortfall. */
function settledCredits(payment: PaymentRow): number {
  return Number(payment.credits_clawed_back) + Number(payment.shortfall);
}

/**
 * Holds `amount` of the account's credits for a dispute until `expiresAt` (by default the longest
 * a dispute takes); returns the hold, or null when there is nothing to hold.
 */
async function placeDisputeHold(
  tx: Tx,
  accountId: string,
  amount: number,
  disputeId: string,
  expiresAt: Date | null = null,
): Promise<string | null> {
  if (amount <= 0) return null;
  const [hold] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO credit_holds (id, account_id, amount, description, expires_at)
    VALUES (gen_random_uuid(), ${accountId}::uuid, ${amount}::bigint,
      ${`Payment disputed (${disputeId}): credits held until the bank decides`},
      COALESCE(${expiresAt}::timestamptz, now() + make_interval(days => ${disputeHoldDays})))
    RETURNING id`;
  return hold?.id ?? null;
}

/**
 * Releases the payment's dispute hold, if one is active; returns what it held (as the account's
 * held figure counts it: nothing once its time is up) and until when.
 */
async function releaseDisputeHold(
  tx: Tx,
  payment: PaymentRow,
): Promise<{ amount: number; expiresAt: Date | null }> {
  if (!payment.dispute_hold_id) return { amount: 0, expiresAt: null };
  const [hold] = await tx.$queryRaw<{ amount: bigint; expires_at: Date }[]>`
    UPDATE credit_holds SET status = 'RELEASED', resolved_at = now()
    WHERE id = ${payment.dispute_hold_id}::uuid AND status = 'ACTIVE'
    RETURNING CASE WHEN expires_at > now() THEN amount ELSE 0 END AS amount, expires_at`;
  return { amount: Number(hold?.amount ?? 0), expiresAt: hold?.expires_at ?? null };
}

export type DisputeOutcome =
  | { found: false }
  | { found: true; userId: string; held?: number; clawedBack?: number; shortfall?: number };

/** A dispute opened on a charge holds the credits it bought (what is still there to hold). */
export async function holdDisputedCredits(
  tx: Tx,
  paymentIntentId: string,
  disputeId: string,
): Promise<DisputeOutcome> {
  const locked = await lockPaymentByIntent(tx, paymentIntentId);
  if (!locked) return { found: false };
  const { payment, account } = locked;
  if (payment.dispute_id === disputeId) return { found: true, userId: payment.user_id, held: 0 };
  const outstanding = Number(payment.credits) - settledCredits(payment);
  const held = Math.min(Math.max(0, outstanding), available(account));
  const holdId = await placeDisputeHold(tx, account.id, held, disputeId);
  await tx.$executeRaw`
    UPDATE stripe_payments SET dispute_id = ${disputeId}, dispute_status = 'needs_response',
      dispute_hold_id = ${holdId}::uuid, updated_at = now()
    WHERE id = ${payment.id}`;
  return { found: true, userId: payment.user_id, held };
}

/**
 * A closed dispute: won releases the held credits; lost takes back all the payment's outstanding
 * credits (the held ones first, then whatever else is available), recording any shortfall.
 */
export async function settleDispute(
  tx: Tx,
  paymentIntentId: string,
  disputeId: string,
  outcome: string,
): Promise<DisputeOutcome> {
  const locked = await lockPaymentByIntent(tx, paymentIntentId);
  if (!locked) return { found: false };
  const { payment, account } = locked;
  if (payment.dispute_status === "won" || payment.dispute_status === "lost") {
    return { found: true, userId: payment.user_id };
  }
  const releasedHold = (await releaseDisputeHold(tx, payment)).amount;
  let taken = 0;
  let wanted = 0;
  if (outcome === "lost") {
    wanted = Math.max(0, Number(payment.credits) - settledCredits(payment));
    const unheld = { ...account, held: account.held - releasedHold };
    taken = await takeBack(
      tx,
      unheld,
      wanted,
      "Payment dispute lost: its credits were taken back",
      {
        dispute: disputeId,
        payment: payment.id,
      },
    );
  }
  await tx.$executeRaw`
    UPDATE stripe_payments SET dispute_id = ${disputeId}, dispute_status = ${outcome},
      credits_clawed_back = credits_clawed_back + ${taken}::bigint,
      shortfall = shortfall + ${wanted - taken}::bigint, updated_at = now()
    WHERE id = ${payment.id}`;
  return { found: true, userId: payment.user_id, clawedBack: taken, shortfall: wanted - taken };
}
