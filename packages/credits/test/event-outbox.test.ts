// The outbox's numbering: events recorded in parallel transactions for one customer get the
// numbers 1..N once each, and an event rolled back with its change leaves neither row nor number.
import { describe, expect, it } from "vitest";
import type { EventType } from "../src/service/events/catalogue.ts";
import { recordEvent } from "../src/service/events/record.ts";
import { createUser, db } from "./fixtures.ts";

/** No catalogue type: these events' data is no real change's (the catalogue test skips test.*). */
const testType = "test.numbered" as EventType;

describe("the event outbox", () => {
  it("numbers 30 parallel events of one customer 1..30, each once, with the customer's ids", async () => {
    const user = await createUser();
    await db.user.update({ where: { id: user.id }, data: { externalId: `ext-${user.id}` } });
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        db.$transaction((tx) =>
          recordEvent(tx, {
            type: testType,
            userId: user.id,
            appId: "default",
            data: { amount: index + 1 },
          }),
        ),
      ),
    );
    const events = await db.creditEvent.findMany({
      where: { userId: user.id },
      orderBy: { sequence: "asc" },
    });
    expect(events.map((event) => Number(event.sequence))).toEqual(
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
    expect(events[0]?.data).toMatchObject({
      user_id: `ext-${user.id}`,
      platform_user_id: user.id,
      app_id: "default",
    });
    expect(events.every((event) => event.dispatchedAt === null)).toBe(true);
  });

  it("writes nothing, not even a number, when the change's transaction rolls back", async () => {
    const user = await createUser();
    await expect(
      db.$transaction(async (tx) => {
        await recordEvent(tx, { type: testType, userId: user.id, appId: null, data: {} });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.creditEvent.count({ where: { userId: user.id } })).toBe(0);
    const recorded = await db.$transaction((tx) =>
      recordEvent(tx, { type: testType, userId: user.id, appId: null, data: {} }),
    );
    expect(recorded.sequence).toBe(1n);
    const [event] = await db.creditEvent.findMany({ where: { userId: user.id } });
    expect(event?.data).toEqual({ user_id: user.id, platform_user_id: user.id });
  });
});
