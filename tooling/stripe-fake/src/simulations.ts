// What happens on Stripe's side without an API call: a period renews (moving the clock to it), a
// renewal payment fails, a charge is refunded or disputed. Each returns the events it generated;
// completing a checkout lives with checkout sessions, as the hosted page does it too.
import type Stripe from "stripe";
import { advanceClock, type FakeContext, now, retrieve } from "./context.ts";
import { FakeStripeError } from "./errors.ts";
import { emit, emitChange } from "./events.ts";
import { clone, PERIOD_SECONDS } from "./objects.ts";
import { createInvoice, periodLines } from "./resources/invoices.ts";
import { disputeObject, refundObject } from "./resources/payments.ts";
import { currentPeriod } from "./resources/subscription-items.ts";
import { applySchedule, endSchedule } from "./resources/subscription-schedules.ts";

/** A period can only start, or fail to be paid, on a subscription that has not ended. */
function uncanceledSubscription(ctx: FakeContext, subscriptionId: string): Stripe.Subscription {
  const subscription = retrieve(ctx.state.subscriptions, "subscription", subscriptionId);
  if (subscription.status === "canceled") {
    throw new FakeStripeError(400, `Subscription ${subscriptionId} is canceled.`);
  }
  return subscription;
}

export function renewSubscription(ctx: FakeContext, subscriptionId: string): Stripe.Event[] {
  const subscription = uncanceledSubscription(ctx, subscriptionId);
  const before = clone(subscription);
  const period = currentPeriod(subscription);
  const start = period.end;
  const end = start + PERIOD_SECONDS;
  if (now(ctx) < start) advanceClock(ctx, start - now(ctx));
  const events: Stripe.Event[] = [];
  if (subscription.cancel_at_period_end) {
    subscription.status = "canceled";
    subscription.ended_at = start;
    subscription.cancel_at = null;
    endSchedule(ctx, subscription, "canceled");
    emit(ctx, events, "customer.subscription.deleted", subscription);
    return events;
  }
  for (const item of subscription.items.data) {
    item.current_period_start = start;
    item.current_period_end = end;
  }
  applySchedule(ctx, subscription, start);
  subscription.status = "active";
  const invoice = createInvoice(ctx, {
    subscription,
    reason: "subscription_cycle",
    lines: periodLines(ctx, subscription, start, end),
    paid: true,
    periodStart: period.start,
    periodEnd: period.end,
  });
  emitChange(ctx, events, "customer.subscription.updated", before, subscription);
  emit(ctx, events, "invoice.paid", invoice);
  return events;
}

export function failInvoicePayment(ctx: FakeContext, subscriptionId: string): Stripe.Event[] {
  const subscription = uncanceledSubscription(ctx, subscriptionId);
  const before = clone(subscription);
  const period = currentPeriod(subscription);
  const invoice = createInvoice(ctx, {
    subscription,
    reason: "subscription_cycle",
    lines: periodLines(ctx, subscription, period.end, period.end + PERIOD_SECONDS),
    paid: false,
    periodStart: period.start,
    periodEnd: period.end,
  });
  subscription.status = "past_due";
  const events: Stripe.Event[] = [];
  emit(ctx, events, "invoice.payment_failed", invoice);
  emitChange(ctx, events, "customer.subscription.updated", before, subscription);
  return events;
}

export function refundCharge(
  ctx: FakeContext,
  chargeId: string,
  amountCents: number,
): Stripe.Event[] {
  const charge = retrieve(ctx.state.charges, "charge", chargeId);
  if (!Number.isInteger(amountCents) || amountCents <= 0) {
    throw new FakeStripeError(400, "The refund amount must be a positive integer (cents).", {
      param: "amount",
    });
  }
  if (!charge.paid) throw new FakeStripeError(400, `Charge ${chargeId} was not paid.`);
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw new FakeStripeError(400, `Charge ${chargeId} has already been refunded.`, {
      code: "charge_already_refunded",
    });
  }
  const before = clone(charge);
  const amount = Math.min(amountCents, remaining);
  const refund = refundObject({ amount, charge, created: now(ctx) });
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  if (charge.refunds) charge.refunds.data.unshift(refund);
  const events: Stripe.Event[] = [];
  emitChange(ctx, events, "charge.refunded", before, charge);
  return events;
}

export function openDispute(ctx: FakeContext, chargeId: string): Stripe.Event[] {
  const charge = retrieve(ctx.state.charges, "charge", chargeId);
  if (!charge.paid) throw new FakeStripeError(400, `Charge ${chargeId} was not paid.`);
  const dispute = disputeObject(charge, now(ctx));
  ctx.state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  const events: Stripe.Event[] = [];
  emit(ctx, events, "charge.dispute.created", dispute);
  return events;
}

export function closeDispute(
  ctx: FakeContext,
  disputeId: string,
  outcome: "won" | "lost",
): Stripe.Event[] {
  const dispute = retrieve(ctx.state.disputes, "dispute", disputeId);
  if (outcome !== "won" && outcome !== "lost") {
    throw new FakeStripeError(400, "The outcome must be 'won' or 'lost'.", { param: "outcome" });
  }
  if (dispute.status === "won" || dispute.status === "lost") {
    throw new FakeStripeError(400, `Dispute ${disputeId} is already closed (${dispute.status}).`);
  }
  const before = clone(dispute);
  dispute.status = outcome;
  const events: Stripe.Event[] = [];
  emitChange(ctx, events, "charge.dispute.closed", before, dispute);
  return events;
}
