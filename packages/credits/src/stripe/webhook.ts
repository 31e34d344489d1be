// Receiving Stripe events: the signature is checked on the raw body and the event's shape with zod
// (event-schema.ts), then the event is recorded by its id and processed in one transaction with the
// ledger writes it causes, so it takes effect at most once however often Stripe delivers it. A
// failure rolls everything back, is recorded as FAILED (for operators to see and retry) and answers
// 500, so Stripe retries too; a body that is not an event is a 400 and is never stored. A database
// that cannot be reached is no failure of the event: nothing is recorded and the answer is 503 with
// Retry-After (http/observe.ts), which Stripe retries as well.
import { type Database, databaseUnavailableReason, Prisma } from "@credits/db";
import Stripe from "stripe";
import { CreditsError } from "../errors.ts";
import { readTextWithin } from "../http/body.ts";
import { observeRequest } from "../http/observe.ts";
import { log } from "../observability/logger.ts";
import { metrics } from "../observability/metrics.ts";
import type { BillingConfig } from "./config.ts";
import { parseStripeEvent } from "./event-schema.ts";
import { handleStripeEvent } from "./handlers.ts";

export interface WebhookReply {
  status: number;
  body: { received: boolean; status?: string; error?: string };
}

export type EventStatus = "PROCESSED" | "IGNORED" | "FAILED";

/** Words for an operator about a failure, without SQL or secrets (database errors carry both). */
export function describeFailure(error: unknown): string {
  if (error instanceof CreditsError) return error.message;
  if (error instanceof Stripe.errors.StripeError) {
    return `Stripe API error (${error.type}${error.statusCode ? `, HTTP ${error.statusCode}` : ""}): ${error.message}`;
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return `Database error ${error.code} while applying the event.`;
  }
  if (
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientValidationError ||
    error instanceof Prisma.PrismaClientRustPanicError
  ) {
    return "Database error while applying the event.";
  }
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : "Unknown error";
}

/**
 * Processes a verified event at most once. A concurrent delivery of the same event waits on its
 * row until the first finishes, then sees it done. Returns what happened.
 */
export async function processStripeEvent(
  db: Database,
  config: BillingConfig,
  event: Stripe.Event,
): Promise<{ status: EventStatus; duplicate: boolean; note?: string }> {
  try {
    return await db.$transaction(
      async (tx) => {
        const inserted = await tx.$queryRaw<unknown[]>`
          INSERT INTO stripe_events (id, type, status, payload, event_created_at, attempts)
          VALUES (${event.id}, ${event.type}, 'FAILED', ${JSON.stringify(event)}::jsonb,
            to_timestamp(${event.created}), 1)
          ON CONFLICT (id) DO NOTHING
          RETURNING 1`;
        if (inserted.length === 0) {
          const [existing] = await tx.$queryRaw<{ status: EventStatus }[]>`
            SELECT status FROM stripe_events WHERE id = ${event.id} FOR UPDATE`;
          if (existing && existing.status !== "FAILED") {
            return { status: existing.status, duplicate: true };
          }
          await tx.$executeRaw`UPDATE stripe_events SET attempts = attempts + 1 WHERE id = ${event.id}`;
        }
        const outcome = await handleStripeEvent(tx, config, event);
        await tx.$executeRaw`
          UPDATE stripe_events SET status = ${outcome.status}::"StripeEventStatus",
            error = ${outcome.note ?? null}, user_id = ${outcome.userId ?? null}::uuid,
            processed_at = now()
          WHERE id = ${event.id}`;
        return { status: outcome.status, duplicate: false, note: outcome.note };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (error) {
    if (databaseUnavailableReason(error)) throw error;
    const reason = describeFailure(error);
    // Recorded outside the rolled-back transaction; a success that won meanwhile is kept.
    await db.$executeRaw`
      INSERT INTO stripe_events (id, type, status, error, payload, event_created_at, attempts)
      VALUES (${event.id}, ${event.type}, 'FAILED', ${reason}, ${JSON.stringify(event)}::jsonb,
        to_timestamp(${event.created}), 1)
      ON CONFLICT (id) DO UPDATE SET error = EXCLUDED.error,
        attempts = stripe_events.attempts + CASE WHEN stripe_events.status = 'FAILED' THEN 1 ELSE 0 END
      WHERE stripe_events.status = 'FAILED'`;
    log("error", "stripe event failed", { eventId: event.id, type: event.type, reason });
    return { status: "FAILED", duplicate: false, note: reason };
  }
}

/**
 * The event in a body Stripe signed, or why there is none: a wrong signature, or a signed body
 * that is not JSON or not a Stripe event (the reason names the field).
 */
function verifiedEvent(
  rawBody: string,
  signature: string,
  secret: string,
): { event: Stripe.Event } | { rejection: string } {
  let body: unknown;
  try {
    body = Stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      return { rejection: "Invalid signature: the event was not sent by Stripe." };
    }
    // The signature was right: the SDK parses only then (and refuses v2 "thin" notifications).
    return {
      rejection:
        error instanceof SyntaxError
          ? "The body is not valid JSON."
          : "The body is not a Stripe event.",
    };
  }
  const parsed = parseStripeEvent(body);
  if (parsed.problem === undefined) return { event: parsed.event };
  log("warn", "signed stripe body is not an event", { reason: parsed.problem });
  return { rejection: `The body is not a Stripe event: ${parsed.problem}.` };
}

/**
 * `POST /api/webhooks/stripe`: verifies the signature on the raw body and the event's shape (400
 * and nothing stored when either is wrong), then processes the event; 500 on failure so Stripe
 * retries.
 */
export async function receiveStripeWebhook(
  db: Database,
  config: BillingConfig,
  rawBody: string,
  signature: string | null,
): Promise<WebhookReply> {
  if (!config.webhookSecret) {
    return {
      status: 503,
      body: { received: false, error: "Stripe webhooks are not configured on this server." },
    };
  }
  if (!signature) {
    return { status: 400, body: { received: false, error: "Missing Stripe-Signature header." } };
  }
  if (rawBody === "") {
    // Stripe's SDK calls this a signature failure; it is not one.
    return { status: 400, body: { received: false, error: "The body is empty: send the event." } };
  }
  const verified = verifiedEvent(rawBody, signature, config.webhookSecret);
  if ("rejection" in verified) {
    metrics().webhookEvents.inc({ type: "unknown", status: "REJECTED" });
    return { status: 400, body: { received: false, error: verified.rejection } };
  }
  const { event } = verified;
  const result = await processStripeEvent(db, config, event);
  metrics().webhookEvents.inc({
    type: event.type,
    status: result.duplicate ? "DUPLICATE" : result.status,
  });
  log("info", "stripe event", {
    eventId: event.id,
    type: event.type,
    status: result.status,
    duplicate: result.duplicate,
  });
  if (result.status === "FAILED") {
    return { status: 500, body: { received: false, error: "Processing failed; retry later." } };
  }
  return { status: 200, body: { received: true, status: result.status } };
}

/** Stripe's events are a few kilobytes; anything far larger is not from Stripe. */
const maxWebhookBodyBytes = 1_000_000;

/**
 * The HTTP side of `POST /api/webhooks/stripe`: reads the raw body (at most 1 MB, as a stream, so
 * a chunked upload cannot grow past it), then `receiveStripeWebhook`. Like every API request it
 * gets a request id, on its log lines and in `x-request-id`, and is counted in the metrics.
 */
export function handleStripeWebhookRequest(
  request: Request,
  db: Database,
  config: BillingConfig,
): Promise<Response> {
  return observeRequest(request, "/api/webhooks/stripe", async () => {
    const headers = { "cache-control": "no-store" };
    const body = await readTextWithin(request, maxWebhookBodyBytes);
    if (body === null) {
      return Response.json(
        { received: false, error: "The body is too large." },
        { status: 413, headers },
      );
    }
    const reply = await receiveStripeWebhook(
      db,
      config,
      body,
      request.headers.get("stripe-signature"),
    );
    return Response.json(reply.body, { status: reply.status, headers });
  });
}
