// Builders for the JSON objects the fake returns. Field names follow the stripe SDK's types for
// API version 2026-10-28.endive; only the fields a subscriptions/credits product reads are filled,
// so the objects are partial and cast to the SDK's types.
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";

export const API_VERSION = "2026-10-28.endive";
export const CURRENCY = "usd";
export const DAY_SECONDS = 86_400;
/** Every subscription period of the fake lasts 30 days. */
export const PERIOD_SECONDS = 30 * DAY_SECONDS;
/** Unit amount (cents) of a price the fake was not told about. */
export const DEFAULT_UNIT_AMOUNT = 1000;

/** The SDK's type with every field optional, at every depth. */
export type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Types a partial object as the SDK's full type. The literal is still checked against the SDK's
 * field names and value types, so a misspelt or retyped field fails the typecheck.
 */
export function shape<T>(value: DeepPartial<T>): T {
  return value as T;
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `prefix` followed by random alphanumerics, like Stripe's ids. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

/** A deep copy through JSON, so an event or a response never shares state with the store. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function apiList<T>(data: T[], url: string): Stripe.ApiList<T> {
  return { object: "list", data, has_more: false, url };
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

export function formatMoney(cents: number, currency = CURRENCY): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export interface PriceInfo {
  id: string;
  unitAmount: number;
  currency: string;
  productName: string;
  /** Monthly prices for subscriptions; one-time prices for payment-mode checkouts. */
  recurring: boolean;
}

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

export function customerObject(args: {
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
}): Stripe.Customer {
  return shape<Stripe.Customer>({
    id: newId("cus_"),
    object: "customer",
    balance: 0,
    created: args.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: args.email,
    invoice_prefix: null,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: args.metadata,
    name: args.name,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  });
}

export function paymentIntentObject(args: {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  succeeded: boolean;
  created: number;
}): Stripe.PaymentIntent {
  return shape<Stripe.PaymentIntent>({
    id: newId("pi_"),
    object: "payment_intent",
    amount: args.amount,
    amount_capturable: 0,
    amount_received: args.succeeded ? args.amount : 0,
    application: null,
    application_fee_amount: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: null,
    confirmation_method: "automatic",
    created: args.created,
    currency: args.currency,
    customer: args.customer,
    description: args.description,
    last_payment_error: args.succeeded
      ? null
      : {
          code: "card_declined",
          decline_code: "generic_decline",
          message: "Your card was declined.",
          type: "card_error",
        },
    latest_charge: null,
    livemode: false,
    metadata: args.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_types: ["card"],
    receipt_email: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: args.succeeded ? "succeeded" : "requires_payment_method",
    transfer_group: null,
  });
}

export function chargeObject(args: {
  amount: number;
  currency: string;
  customer: string | null;
  email: string | null;
  description: string | null;
  paymentIntent: string;
  succeeded: boolean;
  created: number;
}): Stripe.Charge {
  const id = newId("ch_");
  return shape<Stripe.Charge>({
    id,
    object: "charge",
    amount: args.amount,
    amount_captured: args.succeeded ? args.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: args.email, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "FAKE STRIPE",
    captured: args.succeeded,
    created: args.created,
    currency: args.currency,
    customer: args.customer,
    description: args.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: args.succeeded ? null : "card_declined",
    failure_message: args.succeeded ? null : "Your card was declined.",
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: args.succeeded,
    payment_intent: args.paymentIntent,
    payment_method: null,
    payment_method_details: null,
    receipt_email: args.email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: apiList<Stripe.Refund>([], `/v1/charges/${id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: args.succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  });
}

export function refundObject(args: {
  amount: number;
  charge: Stripe.Charge;
  created: number;
}): Stripe.Refund {
  return shape<Stripe.Refund>({
    id: newId("re_"),
    object: "refund",
    amount: args.amount,
    balance_transaction: null,
    charge: args.charge.id,
    created: args.created,
    currency: args.charge.currency,
    customer: args.charge.customer,
    customer_account: null,
    metadata: {},
    payment_intent: args.charge.payment_intent,
    payment_method: null,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  });
}

export function disputeObject(charge: Stripe.Charge, created: number): Stripe.Dispute {
  return shape<Stripe.Dispute>({
    id: newId("dp_"),
    object: "dispute",
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    evidence_details: {
      due_by: created + 7 * DAY_SECONDS,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: "fraudulent",
    status: "needs_response",
  });
}

export interface InvoiceLineInput {
  price: PriceInfo;
  quantity: number;
  amount: number;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  subscriptionItem: string | null;
  description: string;
}

export function invoiceLineObject(args: {
  line: InvoiceLineInput;
  invoice: string;
  subscription: string;
}): Stripe.InvoiceLineItem {
  const { line } = args;
  return shape<Stripe.InvoiceLineItem>({
    id: newId("il_"),
    object: "line_item",
    amount: line.amount,
    currency: line.price.currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: args.invoice,
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: line.proration,
        proration_details: { credited_items: null },
        subscription: args.subscription,
        subscription_item: line.subscriptionItem ?? "",
      },
    },
    period: { start: line.periodStart, end: line.periodEnd },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: line.price.id, product: productIdFor(line.price.id) },
      unit_amount_decimal: null,
    },
    quantity: line.quantity,
    quantity_decimal: null,
    subscription: args.subscription,
    subtotal: line.amount,
    taxes: [],
  });
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{font-size:1rem;padding:.5rem 1.5rem}li{margin:.25rem 0}</style></head>
<body>
${body}
</body>
</html>
`;
}
