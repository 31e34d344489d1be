// The requests the scenarios send: REST calls with the bench's service token, tRPC mutations with a
// session cookie minted for each user, and Stripe events signed with the SDK's own test helper.
import { randomUUID } from "node:crypto";
import { newSessionClaims } from "@credits/auth";
import { encode } from "next-auth/jwt";
import Stripe from "stripe";
import type { HttpRequestSpec } from "./load.ts";

export const benchServiceToken = `bench-service-token-${randomUUID()}`;
export const benchWebhookSecret = "whsec_bench_credits_platform";

const jsonHeaders = { "content-type": "application/json" };

export function restDeduct(userId: string): HttpRequestSpec {
  return {
    method: "POST",
    path: `/api/credits/${userId}/deduct`,
    headers: {
      ...jsonHeaders,
      authorization: `Bearer ${benchServiceToken}`,
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify({ amount: 1, description: "Benchmark spend" }),
  };
}

/** The same purchase as gRPC's UseCredits (an item with its id and name), through REST. */
export function restPurchase(userId: string): HttpRequestSpec {
  return {
    method: "POST",
    path: `/api/credits/${userId}/purchases`,
    headers: {
      ...jsonHeaders,
      authorization: `Bearer ${benchServiceToken}`,
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify({ item_id: "bench-report", item_name: "Benchmark report", credits: 1 }),
  };
}

export function restGet(path: string): HttpRequestSpec {
  return { method: "GET", path, headers: { authorization: `Bearer ${benchServiceToken}` } };
}

/** A next-auth session cookie for the user, as the sign-in would set it (a new user's version, 0). */
export async function sessionCookie(userId: string, secret: string): Promise<string> {
  const token = await encode({
    token: { sub: userId, ...newSessionClaims(0) },
    secret,
    maxAge: 3600,
  });
  return `next-auth.session-token=${token}`;
}

/** `purchases.create` through the tRPC endpoint: the end user's own spend (superjson-encoded). */
export function trpcPurchase(cookie: string): HttpRequestSpec {
  return {
    method: "POST",
    path: "/api/trpc/purchases.create",
    headers: { ...jsonHeaders, cookie },
    body: JSON.stringify({
      json: {
        itemId: "bench-item",
        itemName: "Benchmark item",
        credits: 1,
        idempotencyKey: randomUUID(),
      },
    }),
  };
}

/** A credit pack's paid Checkout session, as Stripe sends it in a checkout.session.* event. */
export function checkoutEvent(
  type: "checkout.session.completed" | "checkout.session.async_payment_succeeded",
  sessionId: string,
  userId: string,
): string {
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: `evt_bench_${randomUUID().replaceAll("-", "")}`,
    object: "event",
    api_version: "2025-10-29.clover",
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: sessionId,
        object: "checkout.session",
        mode: "payment",
        payment_status: "paid",
        status: "complete",
        client_reference_id: userId,
        customer: null,
        metadata: { pack_id: "pack_500", user_id: userId },
        amount_total: 500,
        currency: "usd",
        payment_intent: `pi_${sessionId.slice(3)}`,
        created,
      },
    },
  });
}

export function signedWebhook(payload: string): HttpRequestSpec {
  return {
    method: "POST",
    path: "/api/webhooks/stripe",
    headers: {
      ...jsonHeaders,
      "stripe-signature": Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: benchWebhookSecret,
      }),
    },
    body: payload,
  };
}
