// What the e2e servers are started with (playwright.config.ts) and the specs rely on.
import { e2ePort } from "@credits/playwright-config";

/** The first instance of the app, the one `baseURL` points at. */
export const appPort = e2ePort(3100);
export const firstInstanceUrl = `http://127.0.0.1:${appPort}`;
/** The local fake of Stripe's API. */
export const fakeStripePort = e2ePort(3199);
export const fakeStripeUrl = `http://127.0.0.1:${fakeStripePort}`;

/** A second instance of the app on the same database and Redis (e2e/instances.spec.ts). */
export const secondInstancePort = e2ePort(3102);
export const secondInstanceUrl = `http://127.0.0.1:${secondInstancePort}`;
/**
 * A third instance without Stripe's keys (e2e/billing-without-stripe.spec.ts): what a deployment
 * that has not set up payments shows.
 */
export const noPaymentsPort = e2ePort(3103);
export const noPaymentsUrl = `http://127.0.0.1:${noPaymentsPort}`;
/** The bootstrap service token both instances accept for the REST API. */
export const e2eServiceToken = "e2e-service-token-0123456789abcdefghijkl";
/** Requests a minute per user, low enough to reach in a test. */
export const e2eUserRateLimit = 50;
/** Signs the events the fake Stripe (and e2e/api.spec.ts) send to the webhook. */
export const e2eWebhookSecret = "whsec_e2e_credits_platform";
