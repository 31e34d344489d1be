// The delivery log as operators read it (per endpoint, newest or oldest first, each delivery with
// its latest attempts), and what they do from it: resend a delivery, send a test event.
import { type Database, Prisma } from "@credits/db";
import { NotFoundError, StateConflictError } from "../../errors.ts";
import type { WebhookDelivery, WebhookDeliveryListInput } from "../../schemas/webhooks.ts";
import { auditAction } from "../audit.ts";
import type { Actor } from "../types.ts";
import { testEventType } from "./deliver.ts";

/** Attempts shown with each delivery in a page of the log. */
const attemptsShown = 5;

interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string | null;
  status: WebhookDelivery["status"];
  attempts: number;
  lastAttemptAt: Date | null;
  createdAt: Date;
  recentAttempts: {
    id: string;
    attemptedAt: string;
    statusCode: number | null;
    durationMs: number;
    responseExcerpt: string;
    error: string | null;
  }[];
}

/**
 * An endpoint's deliveries, newest first (oldest first with `order: "asc"`), keyset-paginated by
 * (created at, id) with the last delivery's id as the cursor; the endpoint's index serves both ways.
 */
export async function listWebhookDeliveries(
  db: Database,
  input: WebhookDeliveryListInput,
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
  const cursor = input.cursor ?? null;
  const asc = input.order === "asc";
  const rows = await db.$queryRaw<DeliveryRow[]>`
    SELECT d.id::text AS id, d.endpoint_id::text AS "endpointId", d.event_id::text AS "eventId",
      ev.type AS "eventType", d.status, d.attempts, d.last_attempt_at AS "lastAttemptAt",
      d.created_at AS "createdAt",
      COALESCE((SELECT json_agg(a ORDER BY a.id DESC) FROM (
        SELECT t.id::text AS id, t.attempted_at AS "attemptedAt", t.status_code AS "statusCode",
          t.duration_ms AS "durationMs", t.response_excerpt AS "responseExcerpt", t.error
        FROM webhook_delivery_attempts t WHERE t.delivery_id = d.id
        ORDER BY t.id DESC LIMIT ${attemptsShown}) a), '[]'::json) AS "recentAttempts"
    FROM webhook_deliveries d
    LEFT JOIN credit_events ev ON ev.id = d.event_id
    WHERE d.endpoint_id = ${input.endpointId}::uuid
      AND (${input.status ?? null}::text IS NULL OR d.status = ${input.status ?? null})
      AND (${cursor}::uuid IS NULL OR (d.created_at, d.id) ${asc ? Prisma.sql`>` : Prisma.sql`<`}
        (SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = ${cursor}::uuid))
    ORDER BY ${asc ? Prisma.sql`d.created_at ASC, d.id ASC` : Prisma.sql`d.created_at DESC, d.id DESC`}
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit).map((row) => ({
    ...row,
    eventType: row.eventType ?? testEventType,
    recentAttempts: row.recentAttempts.map((attempt) => ({
      ...attempt,
      attemptedAt: new Date(attempt.attemptedAt),
    })),
  }));
  return {
    deliveries: page,
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * Sends a finished delivery again (succeeded, failed or canceled), as a new series of attempts
 * with the same `webhook-id`, so a receiver that has it already can tell.
 */
export async function resendWebhookDelivery(
  db: Database,
  actor: Actor,
  deliveryId: string,
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: string; enabled: boolean; endpointId: string }[]>`
      SELECT d.status, e.enabled, d.endpoint_id::text AS "endpointId"
      FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.id = ${deliveryId}::uuid FOR UPDATE OF d`;
    if (!row) throw new NotFoundError("webhook delivery", deliveryId);
    if (!row.enabled) {
      throw new StateConflictError("The endpoint is disabled: enable it before resending.");
    }
    if (row.status === "queued" || row.status === "pending") {
      throw new StateConflictError(
        "This delivery is still being sent; wait for its attempts to end.",
      );
    }
    await tx.$executeRaw`UPDATE webhook_deliveries SET status = 'queued' WHERE id = ${deliveryId}::uuid`;
    await auditAction(tx, actor, {
      action: "webhook.resend",
      after: { endpointId: row.endpointId, deliveryId },
    });
    return { id: deliveryId };
  });
}

/** Queues a `webhook.test` event for one enabled endpoint; it appears in the log like any other. */
export async function sendWebhookTestEvent(
  db: Database,
  actor: Actor,
  endpointId: string,
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const [endpoint] = await tx.$queryRaw<{ enabled: boolean }[]>`
      SELECT enabled FROM webhook_endpoints WHERE id = ${endpointId}::uuid`;
    if (!endpoint) throw new NotFoundError("webhook endpoint", endpointId);
    if (!endpoint.enabled) {
      throw new StateConflictError("The endpoint is disabled: enable it to send a test event.");
    }
    const [delivery] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO webhook_deliveries (endpoint_id, status) VALUES (${endpointId}::uuid, 'queued')
      RETURNING id::text AS id`;
    if (!delivery) throw new Error("the test delivery was not created");
    await auditAction(tx, actor, {
      action: "webhook.test",
      after: { endpointId, deliveryId: delivery.id },
    });
    return delivery;
  });
}
