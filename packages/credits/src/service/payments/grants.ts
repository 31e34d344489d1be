// Credits bought with money: credit packs and monthly allowances, each keyed by the Stripe object
// that paid for it (a `stripe_payments` row claimed first, so a second event about the same
// payment grants nothing), and taken back in proportion when Stripe refunds or a dispute is lost.
import type { Tier } from "../plans.ts";
import { plans } from "../plans.ts";
import {
  available,
  burnGrants,
  creditAccount,
  type LockedAccount,
  lockAccount,
  postDueExpiries,
  postEntry,
} from "./ledger.ts";
import { stripeActor, type Tx } from "./types.ts";

/** How long a disputed payment's credits stay held: longer than card networks take to decide. */
const disputeHoldDays = 120;

export interface PaymentClaim {
  id: string;
  kind: "CREDIT_PACK" | "SUBSCRIPTION";
  userId: string;
  appId: string;
  paymentIntentId: string | null;
  stripeSubscriptionId?: string | null;
  amountPaid: number;
  currency: string;
  periodStart?: Date | null;
  periodEnd?: Date | null;
}

/**
 * Claims the payment's business object; false when an earlier event already did (then nothing
 * more may be granted for it). Concurrent claims of one object wait for each other on the key.
 */
async function claimPayment(tx: Tx, claim: PaymentClaim): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`
    INSERT INTO stripe_payments (id, kind, user_id, app_id, payment_intent_id, stripe_subscription_id,
      amount_paid, currency, credits, period_start, period_end)
    VALUES (${claim.id}, ${claim.kind}::"StripePaymentKind", ${claim.userId}::uuid, ${claim.appId},
      ${claim.paymentIntentId}, ${claim.stripeSubscriptionId ?? null}, ${claim.amountPaid}::bigint,
      ${claim.currency}, 0, ${claim.periodStart ?? null}::timestamptz, ${claim.periodEnd ?? null}::timestamptz)
    ON CONFLICT (id) DO NOTHING
    RETURNING 1`;
  return rows.length > 0;
}

async function recordGrant(tx: Tx, paymentId: string, credits: number, grantId: string | null) {
  await tx.$executeRaw`
    UPDATE stripe_payments SET credits = ${credits}::bigint, grant_id = ${grantId}::uuid, updated_at = now()
    WHERE id = ${paymentId}`;
}

/** Grants a credit pack paid through Checkout, once per checkout session. */
export async function grantCreditPack(
  tx: Tx,
  claim: Omit<PaymentClaim, "kind">,
  pack: { name: string; credits: number },
): Promise<{ granted: boolean }> {
  if (!(await claimPayment(tx, { ...claim, kind: "CREDIT_PACK" }))) return { granted: false };
  const movement = await creditAccount(
    tx,
    { userId: claim.userId, appId: claim.appId },
    { source: "PURCHASE", amount: pack.credits, stripeObjectId: claim.id },
    {
      type: "GRANT",
      description: `Bought ${pack.name}`,
      actor: stripeActor,
      metadata: { checkoutSession: claim.id, paymentIntent: claim.paymentIntentId },
      links: { stripeObjectId: claim.id },
    },
  );
  const grant = await tx.$queryRaw<{ grant_id: string }[]>`
    SELECT grant_id FROM credit_transactions WHERE id = ${BigInt(movement.entry.transactionId)}`;
  await recordGrant(tx, claim.id, pack.credits, grant[0]?.grant_id ?? null);
  return { granted: true };
}

/**
 * What the user did not use of the previous periods' allowances of this subscription: those grants
 * are expired now (the new period replaces them) and their unused credits counted.
 */
async function closePreviousAllowances(
  tx: Tx,
  account: LockedAccount,
  stripeSubscriptionId: string,
  periodStart: Date,
): Promise<{ account: LockedAccount; unused: number }> {
  const previous = await tx.$queryRaw<{ grant_id: string }[]>`
    SELECT grant_id FROM stripe_payments
    WHERE stripe_subscription_id = ${stripeSubscriptionId} AND kind = 'SUBSCRIPTION'
      AND grant_id IS NOT NULL AND period_end IS NOT NULL AND period_end <= ${periodStart}::timestamptz + interval '1 hour'`;
  if (previous.length === 0) return { account, unused: 0 };
  const grantIds = previous.map((row) => row.grant_id);
  // Truncated, not rounded, to the column's milliseconds: it must not land after now().
  await tx.$executeRaw`
    UPDATE credit_grants SET expires_at = date_trunc('milliseconds', now())
    WHERE id = ANY(${grantIds}::uuid[]) AND remaining > 0 AND expires_at > now()`;
  const balance = await postDueExpiries(tx, account);
  // Unused = what expired (now or at its end) of the latest period's allowance: it was never
  // spent. Earlier periods' leftovers already rolled over (or not) once.
  const [last] = await tx.$queryRaw<{ unused: bigint | null }[]>`
    SELECT -SUM(t.amount)::bigint AS unused FROM credit_transactions t
    JOIN stripe_payments p ON p.grant_id = t.grant_id
    WHERE t.type = 'EXPIRE' AND p.stripe_subscription_id = ${stripeSubscriptionId}
      AND p.period_end = (SELECT MAX(period_end) FROM stripe_payments
        WHERE stripe_subscription_id = ${stripeSubscriptionId} AND kind = 'SUBSCRIPTION'
          AND grant_id IS NOT NULL AND period_end <= ${periodStart}::timestamptz + interval '1 hour')`;
  return { account: { ...account, balance }, unused: Number(last?.unused ?? 0) };
}

export interface AllowanceInvoice {
  invoiceId: string;
  userId: string;
  stripeSubscriptionId: string;
  paymentIntentId: string | null;
  amountPaid: number;
  currency: string;
  tier: Tier;
  periodStart: Date;
  periodEnd: Date;
  /** A mid-period upgrade's invoice tops the allowance up instead of starting a new period. */
  isUpgrade: boolean;
  /**
   * The invoice's period was over when its event was first processed (it failed and came back
   * after a renewal, or after the period's end): its credits could no longer be used.
   */
  lapsed: boolean;
  rolloverPercent: number;
  appId: string;
}

/**
 * Grants the monthly allowance for a paid invoice, once per invoice, expiring at the period's end.
 * A new period first rolls over a share of what was left (capped by the plan); an upgrade's
 * invoice adds the difference to what this period already granted. A lapsed invoice's payment is
 * recorded (refunds of it find it) with no credits: they would expire as they were granted, and a
 * rollover from it would reach into a period that already started.
 */
export async function grantAllowance(
  tx: Tx,
  invoice: AllowanceInvoice,
): Promise<{ granted: boolean; credits: number; rollover: number }> {
  const claimed = await claimPayment(tx, {
    id: invoice.invoiceId,
    kind: "SUBSCRIPTION",
    userId: invoice.userId,
    appId: invoice.appId,
    paymentIntentId: invoice.paymentIntentId,
    stripeSubscriptionId: invoice.stripeSubscriptionId,
    amountPaid: invoice.amountPaid,
    currency: invoice.currency,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
  });
  if (!claimed) return { granted: false, credits: 0, rollover: 0 };
  if (invoice.lapsed) return { granted: true, credits: 0, rollover: 0 };
  let account = await lockAccount(tx, invoice.userId, invoice.appId, { create: true });
  if (!account) throw new Error(`no account for ${invoice.userId}`);
  const plan = plans[invoice.tier];
  let credits = plan.monthlyCredits;
  let rollover = 0;
  if (invoice.isUpgrade) {
    const [already] = await tx.$queryRaw<{ credits: bigint | null }[]>`
      SELECT SUM(credits)::bigint AS credits FROM stripe_payments
      WHERE stripe_subscription_id = ${invoice.stripeSubscriptionId} AND kind = 'SUBSCRIPTION'
        AND period_end = ${invoice.periodEnd} AND id <> ${invoice.invoiceId}`;
    credits = Math.max(0, plan.monthlyCredits - Number(already?.credits ?? 0));
  } else {
    const closed = await closePreviousAllowances(
      tx,
      account,
      invoice.stripeSubscriptionId,
      invoice.periodStart,
    );
    account = closed.account;
    rollover = Math.min(
      Math.floor((closed.unused * invoice.rolloverPercent) / 100),
      plan.rolloverCap,
    );
  }
  let grantId: string | null = null;
  const target = { userId: invoice.userId, appId: invoice.appId };
  if (credits > 0) {
    const movement = await creditAccount(
      tx,
      { ...target, locked: account },
      {
        source: "SUBSCRIPTION",
        amount: credits,
        expiresAt: invoice.periodEnd,
        stripeObjectId: invoice.invoiceId,
      },
      {
        type: "GRANT",
        description: invoice.isUpgrade
          ? `${plan.name} plan: upgrade credits for this period`
          : `${plan.name} plan: monthly credits`,
        actor: stripeActor,
        metadata: { invoice: invoice.invoiceId },
        links: { stripeObjectId: invoice.invoiceId },
      },
    );
    account = { ...account, balance: movement.entry.balance };
    const [entry] = await tx.$queryRaw<{ grant_id: string }[]>`
      SELECT grant_id FROM credit_transactions WHERE id = ${BigInt(movement.entry.transactionId)}`;
    grantId = entry?.grant_id ?? null;
  }
  if (rollover > 0) {
    await creditAccount(
      tx,
      { ...target, locked: account },
      {
        source: "SUBSCRIPTION",
        amount: rollover,
        expiresAt: invoice.periodEnd,
        stripeObjectId: invoice.invoiceId,
      },
      {
        type: "GRANT",
        description: "Unused credits rolled over from last period",
        actor: stripeActor,
        metadata: { invoice: invoice.invoiceId, rolloverPercent: invoice.rolloverPercent },
        links: { stripeObjectId: invoice.invoiceId },
      },
    );
  }
  await recordGrant(tx, invoice.invoiceId, credits, grantId);
  return { granted: true, credits, rollover };
}

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
  await postEntry(tx, account, {
    type: "ADJUSTMENT",
    amount: -taken,
    description,
    actor: stripeActor,
    metadata: { ...metadata, grants: allocations },
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
