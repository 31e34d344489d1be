// Subscription items: the priced lines of a subscription, each with the period it is in.
import type Stripe from "stripe";
import type { PriceInfo } from "../context.ts";
import { type FakeContext, now } from "../context.ts";
import { FakeStripeError } from "../errors.ts";
import { newId, shape } from "../objects.ts";
import { planObject, priceInfo, priceObject } from "./prices.ts";

export function subscriptionItemObject(args: {
  price: PriceInfo;
  quantity: number;
  subscription: string;
  created: number;
  periodStart: number;
  periodEnd: number;
}): Stripe.SubscriptionItem {
  return shape<Stripe.SubscriptionItem>({
    id: newId("si_"),
    object: "subscription_item",
    billing_thresholds: null,
    created: args.created,
    current_period_start: args.periodStart,
    current_period_end: args.periodEnd,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planObject(args.price, args.created),
    price: priceObject(args.price, args.created),
    quantity: args.quantity,
    subscription: args.subscription,
    tax_rates: [],
  });
}

export function currentPeriod(subscription: Stripe.Subscription): { start: number; end: number } {
  const item = subscription.items.data[0];
  if (!item) throw new FakeStripeError(400, `Subscription ${subscription.id} has no items.`);
  return { start: item.current_period_start, end: item.current_period_end };
}

export function itemInfo(ctx: FakeContext, item: Stripe.SubscriptionItem): PriceInfo {
  return priceInfo(ctx, item.price.id);
}

export function setItemPrice(
  ctx: FakeContext,
  item: Stripe.SubscriptionItem,
  price: PriceInfo,
): void {
  item.price = priceObject(price, now(ctx));
  item.plan = planObject(price, now(ctx));
}

export function itemsTotal(ctx: FakeContext, subscription: Stripe.Subscription): number {
  return subscription.items.data.reduce(
    (sum, item) => sum + itemInfo(ctx, item).unitAmount * (item.quantity ?? 1),
    0,
  );
}
