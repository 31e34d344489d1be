// Subscriptions: started by a completed checkout, changed (plan, quantity, cancel at period end)
// and canceled through the API.
import type Stripe from "stripe";
import type { PriceInfo } from "../context.ts";
import { type FakeContext, now, retrieve, type SessionLine } from "../context.ts";
import { FakeStripeError, noSuch } from "../errors.ts";
import { type ApiResult, emit, emitChange } from "../events.ts";
import { bool, type FormObject, int, list, mergeMetadata, obj, str } from "../form.ts";
import { apiList, clone, newId, shape } from "../objects.ts";
import { createInvoice } from "./invoices.ts";
import { priceInfo } from "./prices.ts";
import {
  currentPeriod,
  itemsTotal,
  setItemPrice,
  subscriptionItemObject,
} from "./subscription-items.ts";
import { endSchedule } from "./subscription-schedules.ts";

/** A new active subscription of `lines`, its first period from `created` to `periodEnd`. */
export function createSubscription(
  ctx: FakeContext,
  args: {
    customer: string;
    currency: string;
    lines: SessionLine[];
    metadata: Record<string, string>;
    created: number;
    periodEnd: number;
  },
): Stripe.Subscription {
  const { created, periodEnd } = args;
  const id = newId("sub_");
  const subscription = shape<Stripe.Subscription>({
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    billing_cycle_anchor: created,
    billing_cycle_anchor_config: null,
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: null,
    },
    collection_method: "charge_automatically",
    created,
    currency: args.currency,
    customer: args.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: null,
    items: apiList(
      args.lines.map((line) =>
        subscriptionItemObject({
          price: line.price,
          quantity: line.quantity,
          subscription: id,
          created,
          periodStart: created,
          periodEnd,
        }),
      ),
      `/v1/subscription_items?subscription=${id}`,
    ),
    latest_invoice: null,
    livemode: false,
    metadata: { ...args.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: created,
    status: "active",
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: null,
    trial_start: null,
  });
  ctx.state.subscriptions.set(id, subscription);
  return subscription;
}

export function updateSubscription(ctx: FakeContext, id: string, body: FormObject): ApiResult {
  const subscription = retrieve(ctx.state.subscriptions, "subscription", id);
  const before = clone(subscription);
  const cancelAtPeriodEnd = bool(body.cancel_at_period_end);
  const itemUpdates = list(body.items);
  if (
    subscription.status === "canceled" &&
    (cancelAtPeriodEnd !== undefined || itemUpdates.length > 0)
  ) {
    throw new FakeStripeError(
      400,
      "A canceled subscription can only update its cancellation_details and metadata.",
    );
  }
  if (cancelAtPeriodEnd !== undefined) {
    subscription.cancel_at_period_end = cancelAtPeriodEnd;
    subscription.cancel_at = cancelAtPeriodEnd ? currentPeriod(subscription).end : null;
    subscription.canceled_at = cancelAtPeriodEnd ? now(ctx) : null;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: cancelAtPeriodEnd ? "cancellation_requested" : null,
    };
  }
  const oldTotal = itemsTotal(ctx, subscription);
  let upgradedPrice: PriceInfo | undefined;
  let upgradedItem: string | null = null;
  for (const [index, raw] of itemUpdates.entries()) {
    const update = obj(raw) ?? {};
    const itemId = str(update.id);
    const priceId = str(update.price);
    const quantity = int(update.quantity);
    if (itemId) {
      const item = subscription.items.data.find((candidate) => candidate.id === itemId);
      if (!item) throw noSuch("subscription item", itemId, 400, `items[${index}][id]`);
      if (bool(update.deleted)) {
        subscription.items.data = subscription.items.data.filter((other) => other !== item);
        continue;
      }
      if (priceId) {
        setItemPrice(ctx, item, priceInfo(ctx, priceId));
        upgradedPrice ??= priceInfo(ctx, priceId);
        upgradedItem ??= item.id;
      }
      if (quantity !== undefined) item.quantity = quantity;
    } else if (priceId) {
      const period = currentPeriod(subscription);
      const item = subscriptionItemObject({
        price: priceInfo(ctx, priceId),
        quantity: quantity ?? 1,
        subscription: subscription.id,
        created: now(ctx),
        periodStart: period.start,
        periodEnd: period.end,
      });
      subscription.items.data.push(item);
      upgradedPrice ??= priceInfo(ctx, priceId);
      upgradedItem ??= item.id;
    }
  }
  subscription.metadata = mergeMetadata(subscription.metadata, body.metadata);
  let invoice: Stripe.Invoice | undefined;
  const difference = itemsTotal(ctx, subscription) - oldTotal;
  if (str(body.proration_behavior) === "always_invoice" && difference > 0 && upgradedPrice) {
    const { end } = currentPeriod(subscription);
    const start = now(ctx);
    invoice = createInvoice(ctx, {
      subscription,
      reason: "subscription_update",
      lines: [
        {
          price: upgradedPrice,
          quantity: 1,
          amount: difference,
          periodStart: start,
          periodEnd: end,
          proration: true,
          subscriptionItem: upgradedItem,
          description: `Upgrade to ${upgradedPrice.productName}`,
        },
      ],
      paid: true,
      periodStart: start,
      periodEnd: start,
    });
  }
  const events: Stripe.Event[] = [];
  emitChange(ctx, events, "customer.subscription.updated", before, subscription);
  if (invoice) emit(ctx, events, "invoice.paid", invoice);
  return { json: subscription, events };
}

export function cancelSubscription(ctx: FakeContext, id: string): ApiResult {
  const subscription = retrieve(ctx.state.subscriptions, "subscription", id);
  if (subscription.status === "canceled") return { json: subscription };
  const canceledAt = now(ctx);
  subscription.status = "canceled";
  subscription.canceled_at = canceledAt;
  subscription.ended_at = canceledAt;
  subscription.cancel_at = null;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: "cancellation_requested",
  };
  endSchedule(ctx, subscription, "canceled");
  const events: Stripe.Event[] = [];
  emit(ctx, events, "customer.subscription.deleted", subscription);
  return { json: subscription, events };
}
