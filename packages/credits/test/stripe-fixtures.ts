// Billing against the local fake Stripe: the real SDK talks to it over HTTP, events are signed with
// the SDK's own test-header generator and go through the same entry point as the webhook route.
import type { SessionUser } from "@credits/auth";
import type { Database } from "@credits/db";
import { startFakeStripe } from "@credits/stripe-fake";
import type Stripe from "stripe";
import { afterAll, expect } from "vitest";
import { type BillingConfig, billingConfigFrom } from "../src/stripe/config.ts";
import { receiveStripeWebhook, type WebhookReply } from "../src/stripe/webhook.ts";
import { callerFor, db } from "./fixtures.ts";

export const webhookSecret = "whsec_test_credits_platform";
export const prices = { PRO: "price_pro_monthly", PREMIUM: "price_premium_monthly" } as const;

export const fake = await startFakeStripe({
  prices: { [prices.PRO]: 1_900, [prices.PREMIUM]: 4_900 },
});
afterAll(() => fake.close());

/** The settings of a server with Stripe at `apiUrl`, and any other billing variables. */
export function billingWith(apiUrl: string, env: Record<string, string> = {}): BillingConfig {
  return billingConfigFrom({
    STRIPE_SECRET_KEY: "sk_test_fake",
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_PRICE_PRO: prices.PRO,
    STRIPE_PRICE_PREMIUM: prices.PREMIUM,
    STRIPE_API_URL: apiUrl,
    ...env,
  });
}

export const billing = billingWith(fake.url);

/** The SDK on the fake, for doing in Stripe what the platform would not (as an operator might). */
export const stripe: Stripe = (() => {
  if (!billing.stripe) throw new Error("the tests' billing has Stripe");
  return billing.stripe;
})();

export const billedCaller = (user: SessionUser | null, config: BillingConfig = billing) =>
  callerFor(user, config);

/**
 * Posts one event as Stripe would: the JSON body with a fresh signature header (Stripe signs every
 * delivery anew). `billing` replaces the server's settings, e.g. to make Stripe unreachable.
 */
export function deliver(
  event: Stripe.Event,
  options: { timestamp?: number; billing?: BillingConfig } = {},
) {
  return deliverBody(JSON.stringify(event), options);
}

/**
 * Posts any body with a signature made for it with `secret` (by default the server's own), to the
 * tests' database or another one.
 */
export function deliverBody(
  payload: string,
  options: { timestamp?: number; billing?: BillingConfig; secret?: string; db?: Database } = {},
) {
  return receiveStripeWebhook(
    options.db ?? db,
    options.billing ?? billing,
    payload,
    fake.signatureFor(payload, options.secret ?? webhookSecret, options.timestamp),
  );
}

/** The server's settings with Stripe's API out of reach: events that read from it fail. */
export const unreachableBilling = billingWith("http://127.0.0.1:9");

/** Delivers events in order, expecting each to be accepted. */
export async function deliverAll(events: Stripe.Event[]): Promise<WebhookReply[]> {
  const replies: WebhookReply[] = [];
  for (const event of events) {
    const reply = await deliver(event);
    expect(reply.status, `${event.type}: ${JSON.stringify(reply.body)}`).toBe(200);
    replies.push(reply);
  }
  return replies;
}

/** Delivers what the fake generated since the last call (events of API calls made meanwhile). */
export function deliverPending(): Promise<WebhookReply[]> {
  return deliverAll(fake.takeEvents());
}

export function sessionIdOf(url: string): string {
  const id = url.split("/").pop();
  if (!id) throw new Error(`no session id in ${url}`);
  return id;
}

/** Subscribes the user to a tier through Checkout and delivers Stripe's events. */
export async function subscribe(user: SessionUser, tier: "PRO" | "PREMIUM") {
  const { url } = await billedCaller(user).subscriptions.checkout({ tier });
  fake.takeEvents();
  const events = await fake.completeCheckout(sessionIdOf(url));
  fake.takeEvents();
  await deliverAll(events);
  const row = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
  return { events, subscriptionId: row.stripeSubscriptionId ?? "" };
}

/** Buys a credit pack through Checkout; returns the paid session's events and its charge. */
export async function buyPack(user: SessionUser, packId: "pack_500" | "pack_2500") {
  const { url } = await billedCaller(user).billing.buyCredits({ packId });
  const sessionId = sessionIdOf(url);
  const events = await fake.completeCheckout(sessionId);
  fake.takeEvents();
  const session = fake.state.checkoutSessions.get(sessionId);
  const paymentIntent = session?.payment_intent;
  const charge = [...fake.state.charges.values()].find(
    (item) => item.payment_intent === paymentIntent,
  );
  if (!charge) throw new Error("the fake made no charge for the session");
  return { events, sessionId, chargeId: charge.id };
}

export function storedEvent(id: string) {
  return db.stripeEvent.findUnique({ where: { id } });
}

export function eventOfType(events: Stripe.Event[], type: string): Stripe.Event {
  const event = events.find((item) => item.type === type);
  if (!event) throw new Error(`no ${type} among ${events.map((item) => item.type).join(", ")}`);
  return event;
}

/** The user's balance in the app that billing credits. */
export async function creditsOf(userId: string): Promise<number> {
  const account = await db.creditAccount.findUnique({
    where: { userId_appId: { userId, appId: "default" } },
    select: { balance: true },
  });
  return Number(account?.balance ?? 0);
}
