// POST /api/webhooks/stripe — Stripe events, signature-verified on the raw body (at most 1 MB),
// each applied at most once, logged with a request id and counted in /metrics (see
// packages/credits/src/stripe/webhook.ts).
import { getBillingConfig, handleStripeWebhookRequest } from "@credits/credits";
import { getDb } from "@credits/db";

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhookRequest(request, getDb(), getBillingConfig());
}
