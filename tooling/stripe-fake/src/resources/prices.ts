// Prices, and the products and plans that go with them. The fake has no price catalogue: a price
// id it was told about costs what it was told, any other costs DEFAULT_UNIT_AMOUNT, and each price
// is its own monthly product.
import type Stripe from "stripe";
import type { FakeContext, PriceInfo } from "../context.ts";
import { CURRENCY, DEFAULT_UNIT_AMOUNT, shape } from "../objects.ts";

export function priceObject(info: PriceInfo, created: number): Stripe.Price {
  return shape<Stripe.Price>({
    id: info.id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created,
    currency: info.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productIdFor(info.id),
    recurring: info.recurring
      ? {
          interval: "month",
          interval_count: 1,
          meter: null,
          trial_period_days: null,
          usage_type: "licensed",
        }
      : null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: info.recurring ? "recurring" : "one_time",
    unit_amount: info.unitAmount,
    unit_amount_decimal: null,
  });
}

export function planObject(info: PriceInfo, created: number): Stripe.Plan {
  return {
    id: info.id,
    object: "plan",
    active: true,
    amount: info.unitAmount,
    amount_decimal: null,
    billing_scheme: "per_unit",
    created,
    currency: info.currency,
    interval: "month",
    interval_count: 1,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: null,
    product: productIdFor(info.id),
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
}

/** `price_pro` → `prod_pro`: each price of the fake has a product of its own. */
export function productIdFor(priceId: string): string {
  return `prod_${priceId.replace(/^price_/, "")}`;
}

/** `price_pro` → `Pro`. */
export function defaultProductName(priceId: string): string {
  const base = priceId.replace(/^price_/, "").replace(/[_-]+/g, " ");
  return base.charAt(0).toUpperCase() + base.slice(1);
}

export function priceInfo(ctx: FakeContext, id: string, recurring = true): PriceInfo {
  const adHoc = ctx.adHocPrices.get(id);
  if (adHoc) return adHoc;
  return {
    id,
    unitAmount: ctx.priceAmounts.get(id) ?? DEFAULT_UNIT_AMOUNT,
    currency: CURRENCY,
    productName: defaultProductName(id),
    recurring,
  };
}
