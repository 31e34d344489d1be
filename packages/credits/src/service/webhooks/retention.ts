// Outbox retention: events are kept WEBHOOK_RETENTION_DAYS after they happened, for the delivery
// log and resends, then deleted with their deliveries and attempts by the worker's maintenance
// round. An event is kept however old while any of its deliveries is still queued or being sent.
// Sequence numbers live in customer_event_sequences, so a deleted event never lets one repeat.
import type { Database } from "@credits/db";

/** Events (and test deliveries) one batch deletes: short transactions, a few thousand rows each. */
const batchSize = 500;
/** Batches one round deletes at most; the next round goes on (the backlog after an upgrade). */
const batchesPerRound = 20;

export interface RetentionRound {
  events: number;
  deliveries: number;
}

/** One batch in one transaction: the oldest finished events past the retention, and their deliveries. */
async function pruneBatch(db: Database, retentionDays: number): Promise<RetentionRound> {
  return db.$transaction(async (tx) => {
    // Locked so that two workers take different events; a resend locks the delivery, not the
    // event, so the deletes below re-check the deliveries' status under their row locks.
    const events = await tx.$queryRaw<{ id: string }[]>`
      SELECT e.id::text AS id FROM credit_events e
      WHERE e.dispatched_at IS NOT NULL
        AND e.created_at < now() - make_interval(days => ${retentionDays})
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
          WHERE d.event_id = e.id AND d.status IN ('queued', 'pending'))
      ORDER BY e.created_at LIMIT ${batchSize}
      FOR UPDATE OF e SKIP LOCKED`;
    const ids = events.map((event) => event.id);
    const ofEvents = ids.length
      ? await tx.$executeRaw`
          DELETE FROM webhook_deliveries
          WHERE event_id = ANY(${ids}::uuid[]) AND status IN ('succeeded', 'failed', 'canceled')`
      : 0;
    // An event whose delivery was resent meanwhile keeps it, and so is kept itself.
    const deleted = ids.length
      ? await tx.$executeRaw`
          DELETE FROM credit_events e WHERE e.id = ANY(${ids}::uuid[])
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`
      : 0;
    const tests = await tx.$executeRaw`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries
        WHERE event_id IS NULL AND created_at < now() - make_interval(days => ${retentionDays})
          AND status IN ('succeeded', 'failed', 'canceled')
        ORDER BY created_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)`;
    return { events: deleted, deliveries: ofEvents + tests };
  });
}

/**
 * Deletes, in batches, the events older than `retentionDays` whose deliveries have all finished
 * (succeeded, failed or canceled) together with those deliveries and their attempts (cascade), and
 * finished test deliveries as old. Answers how many of each went.
 */
export async function pruneOutbox(db: Database, retentionDays: number): Promise<RetentionRound> {
  const total: RetentionRound = { events: 0, deliveries: 0 };
  for (let batch = 0; batch < batchesPerRound; batch += 1) {
    const round = await pruneBatch(db, retentionDays);
    total.events += round.events;
    total.deliveries += round.deliveries;
    if (round.events + round.deliveries === 0) break;
  }
  return total;
}
