import { describe, expect, it } from "vitest";
import { creditChangeFeed } from "../src/service/changes.ts";
import { db, fundedUser, newKey } from "./fixtures.ts";

describe("credit change feed", () => {
  it("delivers a change to the user's subscriber when their balance changes in another connection", async () => {
    const { user, caller } = await fundedUser(100);
    const stop = new AbortController();
    const changes = creditChangeFeed().changesFor(user.id, stop.signal);
    const first = changes.next();
    // Let the subscription settle (LISTEN, or the first poll's baseline) before the change.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 5,
      idempotencyKey: newKey(),
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("no change within 8 s")), 8000),
    );
    const change = await Promise.race([first, timeout]);
    expect(change.value).toMatchObject({ userId: user.id, appId: "default" });
    stop.abort();
    await changes.return(undefined);
  });
});

describe("watched users", () => {
  it("marks a followed user as watched while a subscriber follows them, and not after", async () => {
    const { user } = await fundedUser(10);
    const watchers = () =>
      db.creditChangeWatcher.count({
        where: { userId: user.id, seenAt: { gt: new Date(Date.now() - 60_000) } },
      });
    const stop = new AbortController();
    const changes = creditChangeFeed().changesFor(user.id, stop.signal);
    const first = changes.next();
    const embedded = (
      await db.$queryRaw<{ version: string }[]>`SELECT version()`
    )[0]?.version.includes("wasm");
    // The embedded PGlite polls instead of being notified: nobody needs to be watched there.
    await expect.poll(watchers).toBe(embedded ? 0 : 1);
    stop.abort();
    await first.catch(() => undefined);
    await changes.return(undefined);
    await expect.poll(watchers).toBe(0);
  });
});
