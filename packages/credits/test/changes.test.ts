import { describe, expect, it } from "vitest";
import { creditChangeFeed } from "../src/service/changes.ts";
import { fundedUser, newKey } from "./fixtures.ts";

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
