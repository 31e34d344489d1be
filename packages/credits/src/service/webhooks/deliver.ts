// One attempt of one delivery, as the worker runs it for a pg-boss job: sign and send the event,
// record the attempt, and keep the delivery's and the endpoint's state. pg-boss schedules the
// retries; an endpoint that failed every attempt for WEBHOOK_DISABLE_AFTER_SECONDS is disabled.
import type { Database } from "@credits/db";
import type { WebhookConfig } from "./config.ts";
import { syncWantedEventTypes } from "./endpoints.ts";
import { eventBody, type OutgoingEvent, signedHeaders } from "./payload.ts";
import { type AttemptOutcome, delivered, sendWebhook } from "./send.ts";

/** The type a test event ("send test event" in the admin app) is sent as. */
export const testEventType = "webhook.test";

interface DeliveryRow {
  id: string;
  status: string;
  endpointId: string;
  url: string;
  enabled: boolean;
  secret: string;
  previousSecret: string | null;
  eventId: string | null;
  type: string | null;
  sequence: bigint | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export type AttemptResult = "delivered" | "failed" | "skipped";

function outgoingEvent(row: DeliveryRow): OutgoingEvent {
  if (row.eventId === null) {
    return {
      id: row.id,
      type: testEventType,
      createdAt: row.createdAt,
      sequence: null,
      data: { endpoint_id: row.endpointId, message: "A test event from the credits platform." },
    };
  }
  return {
    id: row.eventId,
    type: row.type ?? "",
    createdAt: row.createdAt,
    sequence: row.sequence,
    data: row.data ?? {},
  };
}

async function recordOutcome(
  db: Database,
  row: DeliveryRow,
  outcome: AttemptOutcome,
  final: boolean,
  config: WebhookConfig,
): Promise<void> {
  const success = delivered(outcome);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO webhook_delivery_attempts
      (delivery_id, status_code, duration_ms, response_excerpt, error)
      VALUES (${row.id}::uuid, ${outcome.statusCode}, ${outcome.durationMs},
        ${outcome.responseExcerpt}, ${outcome.error})`;
    const status = success ? "succeeded" : final ? "failed" : "pending";
    await tx.$executeRaw`UPDATE webhook_deliveries
      SET status = ${status}, attempts = attempts + 1, last_attempt_at = clock_timestamp()
      WHERE id = ${row.id}::uuid`;
    if (success) {
      await tx.$executeRaw`UPDATE webhook_endpoints SET failing_since = NULL
        WHERE id = ${row.endpointId}::uuid AND failing_since IS NOT NULL`;
      return;
    }
    const disabled = await tx.$executeRaw`UPDATE webhook_endpoints
      SET enabled = false, disabled_at = clock_timestamp(), updated_at = clock_timestamp(),
        disabled_reason = ${`every attempt failed for ${Math.round(config.disableAfterSeconds / 3600)} hours or more; the last one: ${outcome.error ?? `HTTP ${outcome.statusCode}`}`}
      WHERE id = ${row.endpointId}::uuid AND enabled
        AND failing_since <= clock_timestamp() - make_interval(secs => ${config.disableAfterSeconds})`;
    if (disabled > 0) {
      await syncWantedEventTypes(tx);
      return;
    }
    await tx.$executeRaw`UPDATE webhook_endpoints SET failing_since = clock_timestamp()
      WHERE id = ${row.endpointId}::uuid AND failing_since IS NULL`;
  });
}

/**
 * Makes one attempt of the delivery. `final`: pg-boss will not retry after this one, so a failure
 * fails the delivery. A delivery already done, or whose endpoint is disabled, is skipped.
 */
export async function attemptDelivery(
  db: Database,
  deliveryId: string,
  final: boolean,
  config: WebhookConfig,
): Promise<AttemptResult> {
  const [row] = await db.$queryRaw<DeliveryRow[]>`
    SELECT d.id::text AS id, d.status, d.endpoint_id::text AS "endpointId", e.url, e.enabled,
      e.secret,
      CASE WHEN e.previous_secret_expires_at > clock_timestamp() THEN e.previous_secret END
        AS "previousSecret",
      d.event_id::text AS "eventId", ev.type, ev.sequence, ev.data,
      COALESCE(ev.created_at, d.created_at) AS "createdAt"
    FROM webhook_deliveries d
    JOIN webhook_endpoints e ON e.id = d.endpoint_id
    LEFT JOIN credit_events ev ON ev.id = d.event_id
    WHERE d.id = ${deliveryId}::uuid`;
  // Deleted with its endpoint, or sent already by an earlier copy of the job.
  if (row?.status !== "pending") return "skipped";
  if (!row.enabled) {
    await db.$executeRaw`UPDATE webhook_deliveries SET status = 'canceled'
      WHERE id = ${row.id}::uuid AND status = 'pending'`;
    return "skipped";
  }
  const event = outgoingEvent(row);
  const body = eventBody(event);
  const headers = signedHeaders(
    event.id,
    body,
    { current: row.secret, previous: row.previousSecret },
    new Date(),
  );
  const outcome = await sendWebhook(row.url, body, headers, {
    timeoutMs: config.timeoutMs,
    allowPrivate: config.allowPrivateUrls,
  });
  await recordOutcome(db, row, outcome, final, config);
  return delivered(outcome) ? "delivered" : "failed";
}
