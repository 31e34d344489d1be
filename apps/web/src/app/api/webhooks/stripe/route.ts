// POST /api/webhooks/stripe — Stripe events, signature-verified on the raw body, each applied at
// most once (see packages/credits/src/stripe/webhook.ts).
import { getBillingConfig, receiveStripeWebhook } from "@credits/credits";
import { getDb } from "@credits/db";

/** Stripe's events are a few kilobytes; anything far larger is not from Stripe. */
const maxBodyBytes = 1_000_000;

export async function POST(request: Request): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  const body = declared > maxBodyBytes ? null : await request.text();
  if (body === null || Buffer.byteLength(body) > maxBodyBytes) {
    return Response.json({ received: false, error: "The body is too large." }, { status: 413 });
  }
  const reply = await receiveStripeWebhook(
    getDb(),
    getBillingConfig(),
    body,
    request.headers.get("stripe-signature"),
  );
  return Response.json(reply.body, {
    status: reply.status,
    headers: { "cache-control": "no-store" },
  });
}
