// The received Stripe webhook events as operators see them, and an operator's retry of one that
// failed (applied through the same once-only path as a delivery).
import { type Database, Prisma } from "@credits/db";
import { NotFoundError, StateConflictError } from "../../errors.ts";
import type { StripeEventRetryOutcome } from "../../schemas/billing.ts";
import type { SortOrder } from "../../schemas/common.ts";
import type { BillingConfig } from "../../stripe/config.ts";
import { parseStripeEvent } from "../../stripe/event-schema.ts";
import { type EventStatus, processStripeEvent } from "../../stripe/webhook.ts";
import { auditAction } from "../audit.ts";
import type { Actor } from "../types.ts";

export interface StripeEventFilters {
  status?: "PROCESSED" | "IGNORED" | "FAILED";
  type?: string;
  order?: SortOrder;
  cursor?: string | null;
  limit: number;
}

interface StripeEventRow {
  id: string;
  type: string;
  status: "PROCESSED" | "IGNORED" | "FAILED";
  error: string | null;
  attempts: number;
  user_id: string | null;
  email: string | null;
  event_created_at: Date;
  received_at: Date;
  processed_at: Date | null;
}

function eventSummary(row: StripeEventRow) {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    error: row.error,
    attempts: row.attempts,
    userId: row.user_id,
    userEmail: row.email,
    eventCreatedAt: row.event_created_at,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
  };
}

/**
 * Received events, newest first (oldest first with `order: "asc"`), keyset-paginated by (received
 * at, id); the received_at index serves both ways.
 */
export async function listStripeEvents(db: Database, filters: StripeEventFilters) {
  const [cursorMs, cursorId] = filters.cursor ? filters.cursor.split(":") : [null, null];
  const cursorAt = cursorMs ? new Date(Number(cursorMs)) : null;
  const asc = filters.order === "asc";
  const rows = await db.$queryRaw<StripeEventRow[]>`
    SELECT e.id, e.type, e.status, e.error, e.attempts, e.user_id, u.email, e.event_created_at,
      e.received_at, e.processed_at
    FROM stripe_events e LEFT JOIN users u ON u.id = e.user_id
    WHERE (${filters.status ?? null}::text IS NULL OR e.status = ${filters.status ?? null}::"StripeEventStatus")
      AND (${filters.type ?? null}::text IS NULL OR e.type = ${filters.type ?? null})
      AND (${cursorAt}::timestamptz IS NULL OR ${
        asc
          ? Prisma.sql`(e.received_at, e.id) > (${cursorAt}::timestamptz, ${cursorId})`
          : Prisma.sql`(e.received_at, e.id) < (${cursorAt}::timestamptz, ${cursorId})`
      })
    ORDER BY ${asc ? Prisma.sql`e.received_at ASC, e.id ASC` : Prisma.sql`e.received_at DESC, e.id DESC`}
    LIMIT ${filters.limit + 1}`;
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    events: page.map(eventSummary),
    nextCursor:
      rows.length > filters.limit && last ? `${last.received_at.getTime()}:${last.id}` : null,
  };
}

/** One event with its payload, as Stripe sent it. */
export async function getStripeEvent(db: Database, eventId: string) {
  const [row] = await db.$queryRaw<(StripeEventRow & { payload: unknown })[]>`
    SELECT e.id, e.type, e.status, e.error, e.attempts, e.user_id, u.email, e.event_created_at,
      e.received_at, e.processed_at, e.payload
    FROM stripe_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.id = ${eventId}`;
  if (!row) throw new NotFoundError("stripe event", eventId);
  return { ...eventSummary(row), payload: JSON.stringify(row.payload, null, 2) };
}

/**
 * An operator's retry of a FAILED event, from its stored (verified) payload, recorded in the audit
 * log with its outcome (a retry that fails again is recorded too).
 */
export async function retryStripeEvent(
  db: Database,
  config: BillingConfig,
  operator: Actor,
  eventId: string,
): Promise<StripeEventRetryOutcome> {
  const [row] = await db.$queryRaw<
    { status: EventStatus; type: string; error: string | null; payload: unknown }[]
  >`SELECT status, type, error, payload FROM stripe_events WHERE id = ${eventId}`;
  if (!row) throw new NotFoundError("stripe event", eventId);
  if (row.status !== "FAILED") {
    throw new StateConflictError(`This event was already ${row.status.toLowerCase()}.`);
  }
  // Stored before the webhook checked events' shape, a payload may not be one: it can never succeed.
  const parsed = parseStripeEvent(row.payload);
  if (parsed.problem !== undefined) {
    throw new StateConflictError(
      `This event cannot be processed: its payload is not a Stripe event (${parsed.problem}).`,
    );
  }
  const outcome = await processStripeEvent(db, config, parsed.event);
  const [after] = await db.$queryRaw<{ user_id: string | null }[]>`
    SELECT user_id FROM stripe_events WHERE id = ${eventId}`;
  await auditAction(db, operator, {
    action: "stripe_event.retry",
    targetUserId: after?.user_id ?? null,
    before: { eventId, type: row.type, status: row.status, error: row.error },
    after: { eventId, type: row.type, status: outcome.status, error: outcome.note ?? null },
  });
  return outcome;
}
