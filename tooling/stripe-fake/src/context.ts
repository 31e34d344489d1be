// The state one running fake holds: its stores, clock, counters and the events it has generated.
// Every module takes this object explicitly, so two fakes in one process never share anything.
import type Stripe from "stripe";
import { noSuch } from "./errors.ts";

/** Stripe's test payment methods the fake knows (resources/payment-methods.ts says what each does). */
export type TestCardName =
  | "pm_card_visa"
  | "pm_card_chargeDeclined"
  | "pm_card_chargeCustomerFail"
  | "pm_card_authenticationRequired";

/** What the fake knows of a price: configured, or made ad hoc for a payment-mode Checkout. */
export interface PriceInfo {
  id: string;
  unitAmount: number;
  currency: string;
  productName: string;
  /** Monthly prices for subscriptions; one-time prices for payment-mode checkouts. */
  recurring: boolean;
}

export interface FakeStripeOptions {
  /** 0 or undefined: a random free port. The server binds 127.0.0.1. */
  port?: number;
  /** Price id → unit amount in cents, e.g. `{ price_pro: 1900 }`. Unknown prices cost 1000. */
  prices?: Record<string, number>;
  /** When set, every generated event is POSTed there, signed with `secret`. */
  webhook?: { url: string; secret: string };
}

export interface FakeStripeState {
  customers: Map<string, Stripe.Customer>;
  checkoutSessions: Map<string, Stripe.Checkout.Session>;
  subscriptions: Map<string, Stripe.Subscription>;
  invoices: Map<string, Stripe.Invoice>;
  charges: Map<string, Stripe.Charge>;
  disputes: Map<string, Stripe.Dispute>;
  schedules: Map<string, Stripe.SubscriptionSchedule>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  paymentMethods: Map<string, Stripe.PaymentMethod>;
  setupIntents: Map<string, Stripe.SetupIntent>;
  billingPortalSessions: Map<string, Stripe.BillingPortal.Session>;
}

export interface SessionLine {
  price: PriceInfo;
  quantity: number;
}

/** What a checkout session was created with that Stripe keeps but does not show on the session. */
export interface SessionExtras {
  lines: SessionLine[];
  subscriptionMetadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
  /** `payment_intent_data.setup_future_usage`: the paying card is saved to the customer. */
  setupFutureUsage: "on_session" | "off_session" | null;
}

export interface FakeContext {
  readonly options: FakeStripeOptions;
  readonly state: FakeStripeState;
  readonly sessionExtras: Map<string, SessionExtras>;
  /** Payment method id → the test card it was made from, which decides how its payments go. */
  readonly cards: Map<string, TestCardName>;
  /** Idempotency-Key → the answer first given to it. */
  readonly idempotentReplies: Map<string, { status: number; body: string }>;
  readonly priceAmounts: Map<string, number>;
  /** Prices made from a checkout's `price_data`, which have no id until the fake gives them one. */
  readonly adHocPrices: Map<string, PriceInfo>;
  /** Generated events not taken yet, in generation order. */
  readonly outbox: Stripe.Event[];
  /** The webhook deliveries queued so far; each waits for the one before it. */
  delivery: Promise<void>;
  clockOffset: number;
  invoiceNumber: number;
  /** http://127.0.0.1:PORT, known once the server listens; pages and object urls are under it. */
  baseUrl: string;
}

export function createContext(options: FakeStripeOptions): FakeContext {
  return {
    options,
    state: {
      customers: new Map(),
      checkoutSessions: new Map(),
      subscriptions: new Map(),
      invoices: new Map(),
      charges: new Map(),
      disputes: new Map(),
      schedules: new Map(),
      paymentIntents: new Map(),
      paymentMethods: new Map(),
      setupIntents: new Map(),
      billingPortalSessions: new Map(),
    },
    sessionExtras: new Map(),
    cards: new Map(),
    idempotentReplies: new Map(),
    priceAmounts: new Map(Object.entries(options.prices ?? {})),
    adHocPrices: new Map(),
    outbox: [],
    delivery: Promise.resolve(),
    clockOffset: 0,
    invoiceNumber: 0,
    baseUrl: "",
  };
}

/** The fake clock in unix seconds: real time plus every advance. */
export function now(ctx: FakeContext): number {
  return Math.floor(Date.now() / 1000) + ctx.clockOffset;
}

export function advanceClock(ctx: FakeContext, seconds: number): void {
  ctx.clockOffset += Math.trunc(seconds);
}

/** The stored object with this id, or Stripe's `resource_missing` error. */
export function retrieve<T>(map: Map<string, T>, kind: string, id: string): T {
  const found = map.get(id);
  if (!found) throw noSuch(kind, id);
  return found;
}
