// POST /api/webhooks/stripe — Stripe events, signature-verified on the raw body (at most 1 MB),
// each applied at most once, logged with a request id and counted in /metrics (see
// packages/credits/src/stripe/webhook.ts).
import { getBillingConfig, handleStripeWebhookRequest } from "@credits/credits";
import { withSecurityHeaders } from "@credits/credits/next";
import { getDb } from "@credits/db";

export const POST = withSecurityHeaders((request) =>
  handleStripeWebhookRequest(request, getDb(), getBillingConfig()),
);
