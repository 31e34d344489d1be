// Credits bought with money: credit packs and monthly allowances, each keyed by the Stripe object
// that paid for it (a `stripe_payments` row claimed first, so a second event about the same
// payment grants nothing). Taking them back is in reversals.ts.

import { InvariantError } from "../../errors.ts";
import type { Tier } from "../../plans.ts";
import { plans } from "../../plans.ts";
import { creditAccount, type LockedAccount, lockAccount, postDueExpiries } from "../ledger.ts";
import { stripeActor, type Tx } from "../types.ts";

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

/**
 * Grants a credit pack once per payment object: a Checkout session, or an auto top-up's payment
 * intent (which passes its own description and metadata for the ledger entry).
 */
export async function grantCreditPack(
  tx: Tx,
  claim: Omit<PaymentClaim, "kind">,
  pack: { name: string; credits: number },
  entry: { description: string; metadata: Record<string, string | null> } = {
    description: `Bought ${pack.name}`,
    metadata: { checkoutSession: claim.id, paymentIntent: claim.paymentIntentId },
  },
): Promise<{ granted: boolean }> {
  if (!(await claimPayment(tx, { ...claim, kind: "CREDIT_PACK" }))) return { granted: false };
  const movement = await creditAccount(
    tx,
    { userId: claim.userId, appId: claim.appId },
    { source: "PURCHASE", amount: pack.credits, stripeObjectId: claim.id },
    {
      type: "GRANT",
      description: entry.description,
      actor: stripeActor,
      metadata: entry.metadata,
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
  if (!account) throw new InvariantError("an account that was just created cannot be locked");
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
