// Billing settings, read once from the environment. Without Stripe keys the product still runs:
// plans and quotas work, payments say they are not configured, and operators set tiers by hand.
import { parseEnvironment } from "@credits/db/env";
import Stripe from "stripe";
import { z } from "zod";
import type { Tier } from "../plans.ts";

/**
 * An optional setting where an empty value (`STRIPE_SECRET_KEY=`) means unset, as in most .env
 * files; it also lets a process switch payments off over a .env that has them (the variables of
 * the environment win over the file's, an empty one too).
 */
function optionalSetting<Schema extends z.ZodType<string>>(schema: Schema) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

export const billingEnvSchema = z.object({
  STRIPE_SECRET_KEY: optionalSetting(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, "must be a Stripe secret key (sk_test_… or sk_live_…)"),
  ),
  STRIPE_WEBHOOK_SECRET: optionalSetting(
    z.string().startsWith("whsec_", "must be a webhook signing secret (whsec_…)"),
  ),
  STRIPE_PRICE_PRO: optionalSetting(z.string().startsWith("price_", "must be a Stripe price id")),
  STRIPE_PRICE_PREMIUM: optionalSetting(
    z.string().startsWith("price_", "must be a Stripe price id"),
  ),
  /** Points the SDK at another API host (the local fake Stripe in tests). */
  STRIPE_API_URL: optionalSetting(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  /** The public URL of apps/web, for Checkout's return links; defaults to the request's origin. */
  APP_URL: optionalSetting(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  /** Days a PAST_DUE subscription keeps its tier before falling back to FREE limits. */
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  /** The share (percent) of unused allowance that rolls into the next period, up to the plan's cap. */
  BILLING_ROLLOVER_PERCENT: z.coerce.number().int().min(0).max(100).default(50),
  /** How often the worker looks for accounts below their auto top-up threshold, in ms. */
  AUTO_TOPUP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /**
   * A charge sent to Stripe whose webhook has not come after this many seconds is looked up on
   * Stripe by the worker's maintenance round and settled as the webhook would (default 10 min).
   */
  AUTO_TOPUP_SETTLE_AFTER_SECONDS: z.coerce.number().int().min(1).max(604_800).default(600),
});

export interface BillingConfig {
  /** The SDK client, or null when STRIPE_SECRET_KEY is not set. */
  stripe: Stripe | null;
  webhookSecret: string | null;
  /** Stripe price of each paid tier. */
  prices: Partial<Record<Exclude<Tier, "FREE">, string>>;
  appUrl: string | null;
  graceDays: number;
  rolloverPercent: number;
  /** The auto top-up round's interval in the worker (AUTO_TOPUP_INTERVAL_MS). */
  autoTopupIntervalMs: number;
  /** How long a sent charge waits for its webhook before it is looked up on Stripe. */
  autoTopupSettleAfterSeconds: number;
}

export function createStripeClient(secretKey: string, apiUrl?: string): Stripe {
  if (!apiUrl) return new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000 });
  const url = new URL(apiUrl);
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (url.protocol === "https:" ? 443 : 80),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
    timeout: 10_000,
  });
}

export function billingConfigFrom(source: Record<string, string | undefined>): BillingConfig {
  const env = parseEnvironment(billingEnvSchema, "billing", source);
  return {
    stripe: env.STRIPE_SECRET_KEY
      ? createStripeClient(env.STRIPE_SECRET_KEY, env.STRIPE_API_URL)
      : null,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null,
    prices: { PRO: env.STRIPE_PRICE_PRO, PREMIUM: env.STRIPE_PRICE_PREMIUM },
    appUrl: env.APP_URL ?? null,
    graceDays: env.BILLING_GRACE_DAYS,
    rolloverPercent: env.BILLING_ROLLOVER_PERCENT,
    autoTopupIntervalMs: env.AUTO_TOPUP_INTERVAL_MS,
    autoTopupSettleAfterSeconds: env.AUTO_TOPUP_SETTLE_AFTER_SECONDS,
  };
}

let processConfig: BillingConfig | undefined;

/** The process's billing settings (parsed on first use). */
export function getBillingConfig(): BillingConfig {
  processConfig ??= billingConfigFrom(process.env);
  return processConfig;
}

/** Payments work when the SDK has a key and every paid tier has a price. */
export function paymentsConfigured(
  config: BillingConfig,
): config is BillingConfig & { stripe: Stripe } {
  return Boolean(config.stripe && config.prices.PRO && config.prices.PREMIUM);
}

/** The tier a Stripe price stands for, if it is one of ours. */
export function tierOfPrice(
  config: BillingConfig,
  priceId: string | null | undefined,
): Tier | null {
  if (!priceId) return null;
  if (priceId === config.prices.PRO) return "PRO";
  if (priceId === config.prices.PREMIUM) return "PREMIUM";
  return null;
}
