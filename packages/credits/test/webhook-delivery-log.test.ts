// The operators' delivery log (admin.webhooks.deliveries): an endpoint's deliveries paged by keyset
// newest first or oldest first, every delivery exactly once either way. No worker runs, so each
// test event stays queued where the list can count it.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { callerFor, createUser, db } from "./fixtures.ts";

const created: string[] = [];
afterAll(() => db.webhookEndpoint.deleteMany({ where: { id: { in: created } } }));

describe("webhook delivery log", () => {
  it("pages an endpoint's deliveries newest first or oldest first, each once", async () => {
    const operator = callerFor(await createUser("ADMIN"));
    const endpoint = await operator.admin.webhooks.create({
      url: `https://hooks.example.com/${randomUUID()}`,
    });
    created.push(endpoint.id);
    const sent: string[] = [];
    for (let index = 0; index < 7; index++) {
      sent.push((await operator.admin.webhooks.sendTest({ endpointId: endpoint.id })).id);
    }

    async function readAll(order: "asc" | "desc") {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await operator.admin.webhooks.deliveries({
          endpointId: endpoint.id,
          order,
          limit: 2,
          cursor,
        });
        ids.push(...page.deliveries.map((delivery) => delivery.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    // Creation times have milliseconds only, so two may tie: the id breaks ties (as Postgres
    // compares uuids: their hex digits in order).
    const rows = await db.webhookDelivery.findMany({
      where: { id: { in: sent } },
      select: { id: true, createdAt: true },
    });
    const oldestFirst = rows
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((row) => row.id);
    expect(oldestFirst).toHaveLength(sent.length);
    expect(await readAll("asc")).toEqual(oldestFirst);
    expect(await readAll("desc")).toEqual([...oldestFirst].reverse());
    const unordered = await operator.admin.webhooks.deliveries({ endpointId: endpoint.id });
    expect(unordered.deliveries.map((delivery) => delivery.id)).toEqual([...oldestFirst].reverse());
  });
});
