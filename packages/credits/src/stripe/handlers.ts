// What each Stripe event does, inside the transaction that records the event. Subscription state is
// re-read from Stripe's API (under a per-subscription lock) rather than taken from the payload, so
// whatever order events arrive in, the row ends as Stripe has it now. The fields read here were
// checked before the event was stored (event-schema.ts): a type handled here needs its object's
// schema there.

import type Stripe from "stripe";
import { billingAppId, findCreditPack } from "../plans.ts";
import {
  lockStripeSubscription,
  mirrorStripeSubscription,
  readSubscription,
} from "../service/billing/subscription-state.ts";
import { recordEvent } from "../service/events/record.ts";
import { grantAllowance, grantCreditPack } from "../service/payments/grants.ts";
import {
  clawBackRefund,
  holdDisputedCredits,
  settleDispute,
} from "../service/payments/reversals.ts";
import type { Tx } from "../service/types.ts";
import { keepCardOfPackPayment, onAutoTopupPayment, onCardSaved } from "./auto-topup-events.ts";
import { type BillingConfig, tierOfPrice } from "./config.ts";

export interface HandlerOutcome {
  status: "PROCESSED" | "IGNORED";
  /** Why an event was ignored, or what an operator should know. */
  note?: string;
  userId?: string | null;
}

const ignored = (note: string, userId: string | null = null): HandlerOutcome => ({
  status: "IGNORED",
  note,
  userId,
});

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function requireStripe(config: BillingConfig): Stripe {
  if (!config.stripe) {
    throw new Error("STRIPE_SECRET_KEY is not set: subscription events cannot be confirmed");
  }
  return config.stripe;
}

/** Re-reads the subscription from Stripe and mirrors it, serialised per subscription. */
async function syncSubscription(
  tx: Tx,
  config: BillingConfig,
  subscriptionId: string,
): Promise<HandlerOutcome> {
  await lockStripeSubscription(tx, subscriptionId);
  const subscription = await requireStripe(config).subscriptions.retrieve(subscriptionId);
  const outcome = await mirrorStripeSubscription(tx, config, subscription);
  return outcome.applied
    ? { status: "PROCESSED", userId: outcome.userId }
    : ignored(outcome.reason, outcome.userId);
}

async function userOfCheckout(tx: Tx, session: Stripe.Checkout.Session): Promise<string | null> {
  const candidate = session.client_reference_id ?? session.metadata?.user_id ?? null;
  const customerId = idOf(session.customer);
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE ${candidate}::text IS NOT NULL AND id::text = ${candidate}::text
    UNION ALL
    SELECT id FROM users WHERE stripe_customer_id = ${customerId}
    LIMIT 1`;
  const userId = rows[0]?.id ?? null;
  if (userId && customerId) {
    await tx.$executeRaw`
      UPDATE users SET stripe_customer_id = ${customerId}
      WHERE id = ${userId}::uuid AND stripe_customer_id IS NULL`;
  }
  return userId;
}

async function onCheckoutPaid(
  tx: Tx,
  config: BillingConfig,
  session: Stripe.Checkout.Session,
): Promise<HandlerOutcome> {
  const subscriptionId = session.mode === "subscription" ? idOf(session.subscription) : null;
  // The lock order of every subscription event: the subscription's lock, then the user's row
  // (linking the customer). Taken the other way round, two first deliveries would deadlock.
  if (subscriptionId) await lockStripeSubscription(tx, subscriptionId);
  const userId = await userOfCheckout(tx, session);
  if (!userId) return ignored("No user is linked to this checkout session.");
  if (session.mode === "setup") {
    return onCardSaved(tx, requireStripe(config), idOf(session.setup_intent), userId);
  }
  if (session.mode === "subscription") {
    // The allowance comes with the paid invoice; here the subscription is linked and mirrored.
    if (!subscriptionId) return ignored("The checkout session has no subscription.", userId);
    return syncSubscription(tx, config, subscriptionId);
  }
  if (session.payment_status !== "paid") {
    return ignored("The payment has not succeeded yet (an asynchronous payment method).", userId);
  }
  const pack = findCreditPack(session.metadata?.pack_id ?? "");
  if (!pack) return ignored("The checkout session is not for a credit pack.", userId);
  const paymentIntentId = idOf(session.payment_intent);
  if (session.metadata?.save_card === "true" && paymentIntentId) {
    await keepCardOfPackPayment(tx, requireStripe(config), paymentIntentId, userId);
  }
  const { granted } = await grantCreditPack(
    tx,
    {
      id: session.id,
      userId,
      appId: billingAppId,
      paymentIntentId,
      amountPaid: session.amount_total ?? 0,
      currency: session.currency ?? "usd",
    },
    pack,
  );
  return granted
    ? { status: "PROCESSED", userId }
    : ignored("These credits were already granted for this payment.", userId);
}

function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription);
}

async function paymentIntentOfInvoice(
  config: BillingConfig,
  invoice: Stripe.Invoice,
): Promise<string | null> {
  const payments =
    invoice.payments ??
    (await requireStripe(config).invoices.retrieve(invoice.id, { expand: ["payments"] })).payments;
  const paid = payments?.data.find((payment) => payment.payment.type === "payment_intent");
  return idOf(paid?.payment.payment_intent);
}

async function onInvoicePaid(
  tx: Tx,
  config: BillingConfig,
  invoice: Stripe.Invoice,
): Promise<HandlerOutcome> {
  const subscriptionId = subscriptionOfInvoice(invoice);
  if (!subscriptionId) return ignored("The invoice is not for a subscription.");
  const synced = await syncSubscription(tx, config, subscriptionId);
  const row = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM subscriptions WHERE stripe_subscription_id = ${subscriptionId}`;
  const userId = row[0]?.user_id;
  if (!userId) return ignored(synced.note ?? "No user is linked to this subscription.");
  const subscription = await readSubscription(tx, userId);
  const line =
    invoice.lines.data.find((item) => item.amount > 0 && item.pricing?.price_details) ??
    invoice.lines.data[0];
  const tier =
    tierOfPrice(config, idOf(line?.pricing?.price_details?.price)) ?? subscription?.tier ?? null;
  if (!tier || !subscription) return ignored("The invoice is not for one of our plans.", userId);
  // The invoice's own period, not the subscription's current one: a late event is for its period.
  const periodStart = line ? new Date(line.period.start * 1000) : subscription.current_period_start;
  const periodEnd = line ? new Date(line.period.end * 1000) : subscription.current_period_end;
  const upgrade = invoice.billing_reason === "subscription_update";
  // Over by Stripe's own account (the subscription has moved on to a later period) or by the clock.
  const lapsed = periodEnd <= subscription.current_period_start || periodEnd <= new Date();
  const { granted } = await grantAllowance(tx, {
    invoiceId: invoice.id,
    userId,
    stripeSubscriptionId: subscriptionId,
    paymentIntentId: await paymentIntentOfInvoice(config, invoice),
    amountPaid: invoice.amount_paid,
    currency: invoice.currency,
    tier,
    periodStart,
    periodEnd,
    isUpgrade: upgrade,
    lapsed,
    rolloverPercent: config.rolloverPercent,
    appId: billingAppId,
  });
  if (!granted) return ignored("The allowance was already granted for this invoice.", userId);
  return lapsed
    ? {
        status: "PROCESSED",
        userId,
        note: "The invoice's period was over when it was processed: the payment is recorded, no credits were granted.",
      }
    : { status: "PROCESSED", userId };
}

async function onChargeRefunded(tx: Tx, charge: Stripe.Charge): Promise<HandlerOutcome> {
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return ignored("The charge has no payment intent.");
  const outcome = await clawBackRefund(tx, paymentIntentId, charge.id, charge.amount_refunded);
  if (!outcome.found) return ignored("The charge did not buy credits here.");
  return {
    status: "PROCESSED",
    userId: outcome.userId,
    note:
      outcome.shortfall > 0
        ? `${outcome.shortfall} credits were already spent and could not be taken back.`
        : undefined,
  };
}

async function onDispute(tx: Tx, dispute: Stripe.Dispute, closed: boolean) {
  const paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) return ignored("The dispute has no payment intent.");
  const outcome = closed
    ? await settleDispute(tx, paymentIntentId, dispute.id, dispute.status)
    : await holdDisputedCredits(tx, paymentIntentId, dispute.id);
  if (!outcome.found) return ignored("The disputed charge did not buy credits here.");
  return {
    status: "PROCESSED" as const,
    userId: outcome.userId,
    note: outcome.shortfall
      ? `${outcome.shortfall} credits were already spent and could not be taken back.`
      : undefined,
  };
}

/** Runs the event's effect inside `tx`; types this platform does not use are ignored. */
export async function handleStripeEvent(
  tx: Tx,
  config: BillingConfig,
  event: Stripe.Event,
): Promise<HandlerOutcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return onCheckoutPaid(tx, config, event.data.object);
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      const userId = await userOfCheckout(tx, session);
      if (userId) {
        await recordEvent(tx, {
          type: "payment.failed",
          userId,
          appId: null,
          data: {
            kind: "checkout",
            checkout_session_id: session.id,
            amount: session.amount_total,
            currency: session.currency,
          },
        });
      }
      return { status: "PROCESSED", note: "The payment failed: no credits were granted.", userId };
    }
    case "invoice.paid":
      return onInvoicePaid(tx, config, event.data.object);
    case "invoice.payment_failed": {
      const invoice = event.data.object;
      const subscriptionId = subscriptionOfInvoice(invoice);
      if (!subscriptionId) return ignored("The invoice is not for a subscription.");
      const outcome = await syncSubscription(tx, config, subscriptionId);
      if (outcome.userId) {
        await recordEvent(tx, {
          type: "payment.failed",
          userId: outcome.userId,
          appId: null,
          data: {
            kind: "subscription",
            invoice_id: invoice.id,
            stripe_subscription_id: subscriptionId,
            amount: invoice.amount_due,
            currency: invoice.currency,
            attempt_count: invoice.attempt_count,
            next_payment_attempt: invoice.next_payment_attempt
              ? new Date(invoice.next_payment_attempt * 1000).toISOString()
              : null,
          },
        });
      }
      return outcome;
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return syncSubscription(tx, config, event.data.object.id);
    case "payment_intent.succeeded":
      return onAutoTopupPayment(tx, event.data.object, true);
    case "payment_intent.payment_failed":
      return onAutoTopupPayment(tx, event.data.object, false);
    case "charge.refunded":
      return onChargeRefunded(tx, event.data.object);
    case "charge.dispute.created":
      return onDispute(tx, event.data.object, false);
    case "charge.dispute.closed":
      return onDispute(tx, event.data.object, true);
    default:
      return ignored(`Events of type ${event.type} are not used by this platform.`);
  }
}
