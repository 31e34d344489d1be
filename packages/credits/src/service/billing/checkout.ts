// Stripe Checkout for a first subscription and for credit packs, and the billing portal.
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import { InvariantError, StateConflictError } from "../../errors.ts";
import type { CreditPack, Tier } from "../../plans.ts";
import type { BillingConfig } from "../../stripe/config.ts";
import { ensureCustomer, priceOf, requirePayments, returnUrl } from "./customer.ts";
import { readSubscription, type SubscriptionRow } from "./subscription-state.ts";

/** Creates a Checkout session for the customer and returns the page to send the user to. */
async function createCheckout(
  stripe: Stripe,
  config: BillingConfig,
  customer: string,
  userId: string,
  origin: string,
  params: Omit<
    Stripe.Checkout.SessionCreateParams,
    "customer" | "client_reference_id" | "success_url" | "cancel_url"
  > & { resultParam: string },
): Promise<{ url: string }> {
  const { resultParam, ...session } = params;
  const created = await stripe.checkout.sessions.create({
    ...session,
    customer,
    client_reference_id: userId,
    success_url: returnUrl(config, origin, `?${resultParam}=success`),
    cancel_url: returnUrl(config, origin, `?${resultParam}=canceled`),
  });
  if (!created.url) throw new InvariantError("Stripe returned a checkout session without a URL");
  return { url: created.url };
}

/** Stripe statuses of a subscription that still exists for the customer (it bills, or will). */
const existingStatuses = new Set<Stripe.Subscription.Status>([
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "incomplete",
  "paused",
]);

/** Why a user who still has a Stripe subscription cannot subscribe again, and what to do instead. */
function alreadySubscribed(status: Stripe.Subscription.Status): StateConflictError {
  if (status === "past_due" || status === "unpaid") {
    return new StateConflictError(
      "Your last payment failed, so your plan is on hold: update your payment method (Payment methods & invoices) instead of subscribing again.",
    );
  }
  if (status === "incomplete" || status === "paused") {
    return new StateConflictError(
      "Your subscription is waiting for a payment: complete it under Payment methods & invoices instead of subscribing again.",
    );
  }
  return new StateConflictError(
    "You already have a paid plan: change it from the billing page instead of subscribing again.",
  );
}

const stripeStatusOf: Record<SubscriptionRow["status"], Stripe.Subscription.Status> = {
  ACTIVE: "active",
  TRIALING: "trialing",
  PAST_DUE: "past_due",
  INCOMPLETE: "incomplete",
  CANCELED: "canceled",
};

/**
 * Starts Stripe Checkout for a first paid subscription. Refused while the user has a Stripe
 * subscription that is not canceled (past due or waiting for payment too): a second one would
 * bill them twice. Stripe itself is asked as well, as a finished Checkout's webhook may not have
 * arrived yet; and an older open subscription Checkout is expired, so that only the newest can be
 * paid. Serialised per user, so two requests cannot both pass the checks.
 */
export async function startSubscriptionCheckout(
  db: Database,
  config: BillingConfig,
  userId: string,
  tier: Exclude<Tier, "FREE">,
  origin: string,
): Promise<{ url: string }> {
  const { stripe } = requirePayments(config);
  const price = priceOf(config, tier);
  const current = await readSubscription(db, userId);
  if (current?.stripe_subscription_id && current.status !== "CANCELED") {
    throw alreadySubscribed(stripeStatusOf[current.status]);
  }
  const customer = await ensureCustomer(db, stripe, userId);
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`checkout:${userId}`}, 0))`;
      const subscriptions = await stripe.subscriptions.list({
        customer,
        status: "all",
        limit: 100,
      });
      const existing = subscriptions.data.find((item) => existingStatuses.has(item.status));
      if (existing) throw alreadySubscribed(existing.status);
      const open = await stripe.checkout.sessions.list({ customer, status: "open", limit: 100 });
      for (const session of open.data) {
        if (session.mode === "subscription") await stripe.checkout.sessions.expire(session.id);
      }
      return createCheckout(stripe, config, customer, userId, origin, {
        mode: "subscription",
        line_items: [{ price, quantity: 1 }],
        metadata: { user_id: userId, tier },
        subscription_data: { metadata: { user_id: userId } },
        resultParam: "checkout",
      });
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/**
 * Starts a one-time Checkout for a credit pack; the credits come with the paid-session event. With
 * `saveCard` (the user opted in) Stripe saves the paying card for off-session use, and the
 * paid-session event makes it the auto top-up card when none is saved (handlers.ts).
 */
export async function startCreditPackCheckout(
  db: Database,
  config: BillingConfig,
  userId: string,
  pack: CreditPack,
  origin: string,
  options: { saveCard: boolean } = { saveCard: false },
): Promise<{ url: string }> {
  const { stripe } = requirePayments(config);
  const customer = await ensureCustomer(db, stripe, userId);
  const metadata: Record<string, string> = { user_id: userId, pack_id: pack.id };
  if (options.saveCard) metadata.save_card = "true";
  return createCheckout(stripe, config, customer, userId, origin, {
    mode: "payment",
    line_items: [
      {
        price_data: {
          currency: "usd",
          unit_amount: pack.priceCents,
          product_data: { name: pack.name },
        },
        quantity: 1,
      },
    ],
    metadata,
    payment_intent_data: {
      metadata: { user_id: userId, pack_id: pack.id },
      ...(options.saveCard ? { setup_future_usage: "off_session" as const } : {}),
    },
    resultParam: "purchase",
  });
}

/**
 * Starts a Checkout in setup mode: the user saves a card for auto top-up to charge off-session.
 * The card is kept when its checkout.session.completed arrives (handlers.ts).
 */
export async function startSaveCardCheckout(
  db: Database,
  config: BillingConfig,
  userId: string,
  origin: string,
): Promise<{ url: string }> {
  const { stripe } = requirePayments(config);
  const customer = await ensureCustomer(db, stripe, userId);
  const session = await stripe.checkout.sessions.create({
    mode: "setup",
    customer,
    client_reference_id: userId,
    // Setup mode needs a currency for the payment methods it offers (cards in USD here).
    currency: "usd",
    metadata: { user_id: userId, purpose: "auto_topup" },
    setup_intent_data: { metadata: { user_id: userId } },
    success_url: returnUrl(config, origin, "?card=saved"),
    cancel_url: returnUrl(config, origin, "?card=canceled"),
  });
  if (!session.url) throw new InvariantError("Stripe returned a checkout session without a URL");
  return { url: session.url };
}

/** Opens the Stripe billing portal (payment methods, invoices) for the user's customer. */
export async function openBillingPortal(
  db: Database,
  config: BillingConfig,
  userId: string,
  origin: string,
): Promise<{ url: string }> {
  const billing = requirePayments(config);
  const customer = await ensureCustomer(db, billing.stripe, userId);
  const session = await billing.stripe.billingPortal.sessions.create({
    customer,
    return_url: returnUrl(config, origin),
  });
  return { url: session.url };
}
