import { definePlaywrightConfig, trustedHostsEnv } from "@credits/playwright-config";
import {
  appPort,
  e2eServiceToken,
  e2eUserRateLimit,
  e2eWebhookSecret,
  fakeStripePort,
  fakeStripeUrl,
  noPaymentsPort,
  noPaymentsUrl,
  secondInstancePort,
  secondInstanceUrl,
} from "./e2e/environment.ts";

// Billing runs against the local fake of Stripe's API (tooling/stripe-fake): Checkout pages are
// served by it, and its "Pay" button sends the signed webhook events to this app, as Stripe does.
//
// A second instance of the app (its own port, same database and Redis) proves that instances share
// everything that matters: e2e/instances.spec.ts uses both.
//
// A third instance runs without payments, as a deployment that has not set up Stripe: the same
// build on the same database, with the Stripe variables empty (empty counts as unset, and an empty
// variable of the environment also wins over a developer's .env that has keys).
const webhookSecret = e2eWebhookSecret;
const prices = { pro: "price_e2e_pro", premium: "price_e2e_premium" };

const appEnv = {
  STRIPE_SECRET_KEY: "sk_test_e2e_fake",
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  STRIPE_PRICE_PRO: prices.pro,
  STRIPE_PRICE_PREMIUM: prices.premium,
  STRIPE_API_URL: fakeStripeUrl,
  CREDITS_SERVICE_TOKEN: e2eServiceToken,
  RATE_LIMIT_USER_PER_MINUTE: String(e2eUserRateLimit),
};

const withoutPaymentsEnv = {
  ...appEnv,
  STRIPE_SECRET_KEY: "",
  STRIPE_WEBHOOK_SECRET: "",
  STRIPE_PRICE_PRO: "",
  STRIPE_PRICE_PREMIUM: "",
  STRIPE_API_URL: "",
};

export default definePlaywrightConfig({
  app: "web",
  port: appPort,
  env: appEnv,
  servers: [
    {
      command: "pnpm --filter @credits/stripe-fake start",
      url: `${fakeStripeUrl}/_fake/health`,
      env: {
        FAKE_STRIPE_PORT: String(fakeStripePort),
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        FAKE_STRIPE_WEBHOOK_URL: `http://127.0.0.1:${appPort}/api/webhooks/stripe`,
        FAKE_STRIPE_PRICES: JSON.stringify({ [prices.pro]: 1900, [prices.premium]: 4900 }),
      },
    },
    {
      command: `pnpm exec next start --port ${secondInstancePort} --hostname 127.0.0.1`,
      url: `${secondInstanceUrl}/health`,
      env: { ...appEnv, ...trustedHostsEnv(secondInstancePort) },
    },
    {
      command: `pnpm exec next start --port ${noPaymentsPort} --hostname 127.0.0.1`,
      url: `${noPaymentsUrl}/health`,
      // It also stands behind one (pretended) proxy, whose X-Forwarded-Proto brings HSTS
      // (e2e/security-headers.spec.ts).
      env: {
        ...withoutPaymentsEnv,
        ...trustedHostsEnv(noPaymentsPort),
        AUTH_TRUSTED_PROXIES: "1",
      },
    },
  ],
});
