// The Stripe side of a user: the payments configuration a Stripe call needs, the user's customer
// (created on first need) and the billing page Stripe sends the user back to.
import type { Database } from "@credits/db";
import type Stripe from "stripe";
import { BillingNotConfiguredError, NotFoundError } from "../../errors.ts";
import type { Tier } from "../../plans.ts";
import { type BillingConfig, paymentsConfigured } from "../../stripe/config.ts";

/** The configuration with its Stripe client, or BillingNotConfiguredError. */
export function requirePayments(config: BillingConfig): BillingConfig & { stripe: Stripe } {
  if (!paymentsConfigured(config)) throw new BillingNotConfiguredError();
  return config;
}

export function priceOf(config: BillingConfig, tier: Exclude<Tier, "FREE">): string {
  const price = config.prices[tier];
  if (!price) throw new BillingNotConfiguredError();
  return price;
}

/** The user's Stripe customer, created on first need (one per user, kept on the user row). */
export async function ensureCustomer(
  db: Database,
  stripe: Stripe,
  userId: string,
): Promise<string> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, name: true, stripeCustomerId: true },
  });
  if (!user) throw new NotFoundError("user", userId);
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripe.customers.create(
    { email: user.email ?? undefined, name: user.name ?? undefined, metadata: { user_id: userId } },
    { idempotencyKey: `customer-for-${userId}` },
  );
  // Two requests racing here get the same customer (Stripe's idempotency key); the first write wins.
  await db.$executeRaw`
    UPDATE users SET stripe_customer_id = ${customer.id}
    WHERE id = ${userId}::uuid AND stripe_customer_id IS NULL`;
  const saved = await db.user.findUnique({
    where: { id: userId },
    select: { stripeCustomerId: true },
  });
  return saved?.stripeCustomerId ?? customer.id;
}

export function returnUrl(config: BillingConfig, origin: string, query = ""): string {
  return `${config.appUrl ?? origin}/billing${query}`;
}
