// Writing an event into the outbox, inside the transaction that makes the change it reports.
import type { Queryable } from "../types.ts";
import type { EventType } from "./catalogue.ts";

/** What an event says: the state after the change, in the API's snake_case field names. */
export type EventData = Record<string, unknown>;

export interface RecordedEvent {
  id: string;
  sequence: bigint;
}

/**
 * Records one event for a customer (and app, when it concerns an account) in the transaction `tx`,
 * numbered next in the customer's sequence; the delivery worker sends it after the commit. Call it
 * after the change's account locks, as the spend functions do, so numbers follow the changes' order.
 */
export async function recordEvent(
  tx: Queryable,
  event: { type: EventType; userId: string; appId: string | null; data: EventData },
): Promise<RecordedEvent> {
  const [recorded] = await tx.$queryRaw<RecordedEvent[]>`
    SELECT id::text AS id, sequence FROM credits_record_event(
      ${event.type}, ${event.userId}::uuid, ${event.appId}, ${JSON.stringify(event.data)}::jsonb)`;
  if (!recorded) throw new Error(`credits_record_event returned nothing for ${event.type}`);
  return recorded;
}
