// A local fake of the few Stripe API endpoints a credits/subscriptions product uses, for
// integration and end-to-end tests. Point the real SDK at it:
//
//   const fake = await startFakeStripe({ prices: { price_pro: 1900 } });
//   const stripe = new Stripe("sk_test_fake", fake.sdkConfig);
//
// What happens on Stripe's side (a customer paying, a renewal, a refund, a dispute) is simulated
// with the methods of the returned object; each records the events Stripe would send, in order,
// and POSTs them, signed, to the configured webhook.
//
// The fake is split by concern: context.ts holds one fake's state, resources/ Stripe's objects and
// what the API does to them, simulations.ts what Stripe does on its own, events.ts the webhooks,
// http/ the server (API routes, control endpoints, hosted pages).
import type Stripe from "stripe";
import {
  advanceClock,
  createContext,
  type FakeStripeOptions,
  type FakeStripeState,
  now,
  type TestCardName,
} from "./context.ts";
import { buildEvent, signatureFor, simulate } from "./events.ts";
import { listen } from "./http/server.ts";
import { completeCheckout } from "./resources/checkout-sessions.ts";
import {
  closeDispute,
  failInvoicePayment,
  openDispute,
  refundCharge,
  renewSubscription,
} from "./simulations.ts";

export type { FakeStripeOptions, FakeStripeState, TestCardName } from "./context.ts";
export { FakeStripeError } from "./errors.ts";
export { parseForm } from "./form.ts";
export { API_VERSION, PERIOD_SECONDS } from "./objects.ts";
export { testCards } from "./resources/payment-methods.ts";

export interface FakeStripe {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Spread into the SDK's config: `new Stripe(key, fake.sdkConfig)`. */
  sdkConfig: { host: string; port: number; protocol: "http" };
  /** The fake clock in unix seconds: real time plus every advance. */
  now(): number;
  advanceClock(seconds: number): void;
  /** The generated events not taken yet, in generation order; clears them. */
  takeEvents(): Stripe.Event[];
  /**
   * The customer pays with `card` (default `pm_card_visa`): `customer.subscription.created`,
   * `checkout.session.completed`, `invoice.paid`; in setup mode the card is saved to the customer
   * (`payment_method.attached`, `setup_intent.succeeded`, `checkout.session.completed`).
   */
  completeCheckout(sessionId: string, card?: TestCardName): Promise<Stripe.Event[]>;
  /** The next period starts (and is paid), or the subscription ends if it was set to cancel. */
  renewSubscription(subscriptionId: string): Promise<Stripe.Event[]>;
  /** The next period's payment fails: the invoice stays open and the subscription is past_due. */
  failInvoicePayment(subscriptionId: string): Promise<Stripe.Event[]>;
  refundCharge(chargeId: string, amountCents: number): Promise<Stripe.Event[]>;
  openDispute(chargeId: string): Promise<Stripe.Event[]>;
  closeDispute(disputeId: string, outcome: "won" | "lost"): Promise<Stripe.Event[]>;
  /** Builds an event (new id, created = now()) without recording or sending it. */
  event(type: string, object: object): Stripe.Event;
  /** A `stripe-signature` header for `payload`; `timestamp` defaults to the real time. */
  signatureFor(payload: string, secret: string, timestamp?: number): string;
  /** The fake's objects, for tests to read. */
  state: FakeStripeState;
  close(): Promise<void>;
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const ctx = createContext(options);
  const { server, port } = await listen(ctx, options.port ?? 0);
  ctx.baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: ctx.baseUrl,
    sdkConfig: { host: "127.0.0.1", port, protocol: "http" },
    now: () => now(ctx),
    advanceClock: (seconds) => advanceClock(ctx, seconds),
    takeEvents: () => ctx.outbox.splice(0),
    completeCheckout: (sessionId, card) =>
      simulate(ctx, () => completeCheckout(ctx, sessionId, card)),
    renewSubscription: (subscriptionId) =>
      simulate(ctx, () => renewSubscription(ctx, subscriptionId)),
    failInvoicePayment: (subscriptionId) =>
      simulate(ctx, () => failInvoicePayment(ctx, subscriptionId)),
    refundCharge: (chargeId, amountCents) =>
      simulate(ctx, () => refundCharge(ctx, chargeId, amountCents)),
    openDispute: (chargeId) => simulate(ctx, () => openDispute(ctx, chargeId)),
    closeDispute: (disputeId, outcome) =>
      simulate(ctx, () => closeDispute(ctx, disputeId, outcome)),
    event: (type, object) => buildEvent(ctx, type, object),
    signatureFor,
    state: ctx.state,
    async close() {
      await ctx.delivery;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
