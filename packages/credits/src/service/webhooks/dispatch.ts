// The worker's dispatch round: turns undispatched outbox events into one delivery per endpoint
// that wants them, and queued deliveries (new ones, resends, test events) into pg-boss jobs, in one
// transaction. A crash before the commit leaves everything as it was; after it, each event has its
// deliveries and each delivery its job, once: workers that run side by side skip the rows another
// one holds (SKIP LOCKED) and a delivery is unique per endpoint and event.
import type { Database, Prisma } from "@credits/db";
import type PgBoss from "pg-boss";
import { optInEventTypes } from "../events/catalogue.ts";
import type { WebhookConfig } from "./config.ts";

export const deliveryQueue = "webhook-delivery";

/** The most events, and deliveries, one round takes; a full round is followed by another at once. */
export const roundSize = 500;

export interface DeliveryJob {
  deliveryId: string;
}

export interface DispatchRound {
  /** Events marked dispatched (whether any endpoint wanted them). */
  events: number;
  /** Deliveries handed to the queue. */
  deliveries: number;
}

/** pg-boss's statements run on the round's transaction, so its jobs commit with the deliveries. */
function executorOf(tx: Prisma.TransactionClient): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...values);
      return { rows };
    },
  };
}

/** What pg-boss needs to retry a delivery job the configured way. */
export function deliveryJobOptions(config: WebhookConfig) {
  return {
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryBackoff: true,
    // A job still active this long after it started belongs to a worker that died: pg-boss fails
    // it, and so retries it, at its next maintenance (an attempt takes at most the timeout).
    expireInSeconds: Math.ceil(config.timeoutMs / 1000) + 10,
  };
}

export function dispatchRound(
  db: Database,
  boss: PgBoss,
  config: WebhookConfig,
): Promise<DispatchRound> {
  return db.$transaction(async (tx) => {
    // The INSERT runs though nothing reads it: PostgreSQL executes every data-modifying CTE.
    const events = await tx.$executeRaw`
      WITH batch AS (
        SELECT id, type FROM credit_events WHERE dispatched_at IS NULL
        ORDER BY created_at LIMIT ${roundSize} FOR UPDATE SKIP LOCKED
      ), fanned_out AS (
        INSERT INTO webhook_deliveries (endpoint_id, event_id, status)
        SELECT e.id, b.id, 'queued' FROM batch b
        JOIN webhook_endpoints e ON e.enabled AND (b.type = ANY(e.event_types)
          OR (cardinality(e.event_types) = 0 AND b.type <> ALL(${[...optInEventTypes]}::text[])))
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
      )
      UPDATE credit_events SET dispatched_at = clock_timestamp()
      WHERE id IN (SELECT id FROM batch)`;
    const queued = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM webhook_deliveries WHERE status = 'queued'
      ORDER BY created_at LIMIT ${roundSize} FOR UPDATE SKIP LOCKED`;
    if (queued.length > 0) {
      const options = deliveryJobOptions(config);
      await boss.insert(
        queued.map(({ id }) => ({
          name: deliveryQueue,
          data: { deliveryId: id } satisfies DeliveryJob,
          ...options,
        })),
        { db: executorOf(tx) },
      );
      await tx.$executeRaw`UPDATE webhook_deliveries SET status = 'pending'
        WHERE id = ANY(${queued.map(({ id }) => id)}::uuid[])`;
    }
    return { events, deliveries: queued.length };
  });
}
