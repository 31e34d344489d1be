// Outbox retention on real Postgres: the maintenance round's pruneOutbox deletes events older than
// WEBHOOK_RETENTION_DAYS whose deliveries have all finished (with those deliveries and their
// attempts), keeps everything still being sent, young or undispatched, works in batches and side
// by side, never lets a sequence number repeat, and finds its rows through the partial indexes.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EventType } from "../src/service/events/catalogue.ts";
import { recordEvent } from "../src/service/events/record.ts";
import type { Actor } from "../src/service/types.ts";
import { createWebhookEndpoint } from "../src/service/webhooks/endpoints.ts";
import { pruneOutbox } from "../src/service/webhooks/retention.ts";
import { createUser, db } from "./fixtures.ts";

/**
 * No event of the catalogue: the check of every recorded event's data (change-events.test.ts)
 * leaves `test.*` types out, and these events carry none.
 */
const retentionTestType = "test.retention" as EventType;

const system: Actor = { type: "SYSTEM", id: null };
const retentionDays = 30;
type Status = "queued" | "pending" | "succeeded" | "failed" | "canceled";

/** A disabled endpoint: no dispatch round of another suite sends anything to it. */
async function endpoint() {
  const created = await createWebhookEndpoint(
    db,
    system,
    { url: "http://127.0.0.1:9/retention", description: "", eventTypes: [], enabled: false },
    { allowPrivateUrls: true },
  );
  return created.id;
}

/** An event of `userId`, `ageDays` old, dispatched unless told otherwise. */
async function event(userId: string, ageDays: number, dispatched = true) {
  const { id } = await db.$transaction((tx) =>
    recordEvent(tx, { type: retentionTestType, userId, appId: "default", data: {} }),
  );
  await db.$executeRaw`
    UPDATE credit_events SET created_at = now() - make_interval(days => ${ageDays}),
      dispatched_at = CASE WHEN ${dispatched} THEN now() END
    WHERE id = ${id}::uuid`;
  return id;
}

/** A delivery (with `attempts` logged attempts) of `eventId`, or a test delivery when null. */
async function delivery(
  endpointId: string,
  eventId: string | null,
  status: Status,
  attempts = 1,
  ageDays = 0,
) {
  const created = await db.webhookDelivery.create({
    data: {
      endpointId,
      eventId,
      status,
      attempts,
      createdAt: new Date(Date.now() - ageDays * 86_400_000),
    },
  });
  for (let index = 0; index < attempts; index += 1) {
    await db.webhookDeliveryAttempt.create({
      data: { deliveryId: created.id, statusCode: 500, durationMs: 3 },
    });
  }
  return created.id;
}

const eventExists = async (id: string) => (await db.creditEvent.count({ where: { id } })) === 1;
const deliveryExists = async (id: string) =>
  (await db.webhookDelivery.count({ where: { id } })) === 1;

describe("outbox retention", () => {
  it("deletes old finished events with their deliveries and attempts, and keeps what is still being sent, young or undispatched", async () => {
    const { id: userId } = await createUser();
    const [one, two] = [await endpoint(), await endpoint()];
    const delivered = await event(userId, 31);
    const deliveredTo = [
      await delivery(one, delivered, "succeeded", 3),
      await delivery(two, delivered, "failed", 2),
    ];
    const unwanted = await event(userId, 31);
    const stillSending = await event(userId, 40);
    const doneOf = await delivery(one, stillSending, "canceled", 0);
    const sendingOf = await delivery(two, stillSending, "pending", 2);
    const undispatched = await event(userId, 45, false);
    const young = await event(userId, 29);
    const youngOf = await delivery(one, young, "succeeded");
    const oldTest = await delivery(one, null, "succeeded", 1, 31);
    const queuedTest = await delivery(one, null, "queued", 0, 31);

    const round = await pruneOutbox(db, retentionDays);

    expect(round.events).toBeGreaterThanOrEqual(2);
    expect(await eventExists(delivered)).toBe(false);
    expect(await eventExists(unwanted)).toBe(false);
    for (const id of [...deliveredTo, oldTest]) expect(await deliveryExists(id)).toBe(false);
    expect(
      await db.webhookDeliveryAttempt.count({ where: { deliveryId: { in: deliveredTo } } }),
    ).toBe(0);
    for (const id of [stillSending, undispatched, young]) expect(await eventExists(id)).toBe(true);
    for (const id of [doneOf, sendingOf, youngOf, queuedTest]) {
      expect(await deliveryExists(id)).toBe(true);
    }
    expect(await db.webhookDeliveryAttempt.count({ where: { deliveryId: sendingOf } })).toBe(2);

    // Its last delivery ends: the next round deletes it, with both deliveries.
    await db.webhookDelivery.update({ where: { id: sendingOf }, data: { status: "succeeded" } });
    await pruneOutbox(db, retentionDays);
    expect(await eventExists(stillSending)).toBe(false);
    expect(await deliveryExists(doneOf)).toBe(false);
    expect(await deliveryExists(sendingOf)).toBe(false);

    // The customer's numbering goes on after the deleted events: no sequence number repeats.
    const { sequence } = await db.$transaction((tx) =>
      recordEvent(tx, { type: retentionTestType, userId, appId: "default", data: {} }),
    );
    expect(sequence).toBe(6n);
  });

  it("deletes a backlog in batches, once, with two rounds side by side", async () => {
    const { id: userId } = await createUser();
    const target = await endpoint();
    const ids = Array.from({ length: 1_200 }, () => randomUUID());
    await db.$executeRaw`
      INSERT INTO credit_events (id, type, user_id, app_id, sequence, data, created_at, dispatched_at)
      SELECT id, 'test.retention', ${userId}::uuid, 'default', n, '{}'::jsonb,
        now() - interval '60 days', now() - interval '60 days'
      FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS t(id, n)`;
    await db.$executeRaw`
      INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts)
      SELECT ${target}::uuid, id, 'succeeded', 1 FROM unnest(${ids}::uuid[]) AS t(id)`;

    const rounds = await Promise.all([
      pruneOutbox(db, retentionDays),
      pruneOutbox(db, retentionDays),
    ]);

    expect(await db.creditEvent.count({ where: { userId } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { endpointId: target } })).toBe(0);
    // Three batches and more between the two rounds, each row deleted by one of them.
    expect(rounds[0].events + rounds[1].events).toBeGreaterThanOrEqual(1_200);
    expect(rounds[0].deliveries + rounds[1].deliveries).toBeGreaterThanOrEqual(1_200);
  });

  it("finds what it deletes through the partial indexes, not by reading the tables", async () => {
    const plans = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      const explain = (sql: string) =>
        tx
          .$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`)
          .then((rows) => rows.map((row) => row["QUERY PLAN"]).join("\n"));
      return {
        events: await explain(`SELECT e.id FROM credit_events e
          WHERE e.dispatched_at IS NOT NULL AND e.created_at < now() - make_interval(days => 30)
          ORDER BY e.created_at LIMIT 500`),
        tests: await explain(`SELECT id FROM webhook_deliveries
          WHERE event_id IS NULL AND created_at < now() - make_interval(days => 30)
          ORDER BY created_at LIMIT 500`),
      };
    });
    expect(plans.events).toContain("credit_events_dispatched_created_idx");
    expect(plans.tests).toContain("webhook_deliveries_test_created_idx");
  });
});
