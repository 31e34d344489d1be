import { describe, expect, it } from "vitest";
import { captureHold, releaseHold, reserveHold } from "../src/service/holds.ts";
import { runExpirySweep } from "../src/service/maintenance.ts";
import { grantCredits } from "../src/service/operations.ts";
import type { Actor } from "../src/service/types.ts";
import {
  callerFor,
  createUser,
  db,
  entryCount,
  expireGrantNow,
  newKey,
  trpcErrorOf,
} from "./fixtures.ts";

const system: Actor = { type: "SYSTEM", id: null };

async function userWithGrants(
  grants: { amount: number; priority?: number; expiresInDays?: number; description: string }[],
) {
  const user = await createUser();
  for (const grant of grants) {
    await grantCredits(db, system, {
      userId: user.id,
      amount: grant.amount,
      source: "PROMOTION",
      description: grant.description,
      priority: grant.priority,
      expiresAt: grant.expiresInDays
        ? new Date(Date.now() + grant.expiresInDays * 86_400_000)
        : undefined,
      idempotencyKey: newKey(),
    });
  }
  return { user, caller: callerFor(user), actor: { type: "USER", id: user.id } as Actor };
}

const remainingByDescription = async (userId: string) => {
  const grants = await db.creditGrant.findMany({
    where: { account: { userId } },
    select: { remaining: true, transactions: { select: { description: true }, take: 1 } },
  });
  return Object.fromEntries(
    grants.map((grant) => [grant.transactions[0]?.description, Number(grant.remaining)]),
  );
};

describe("burn order", () => {
  it("spends the lowest priority first, then the soonest expiry, then the oldest", async () => {
    const { user, caller } = await userWithGrants([
      { amount: 10, description: "old, no expiry" },
      { amount: 10, description: "expires in 30 days", expiresInDays: 30 },
      { amount: 10, description: "expires in 5 days", expiresInDays: 5 },
      { amount: 10, description: "priority 10", priority: 10 },
      { amount: 10, description: "new, no expiry" },
    ]);
    const spend = (credits: number) =>
      caller.purchases.create({ itemId: "x", itemName: "X", credits, idempotencyKey: newKey() });

    await spend(15);
    expect(await remainingByDescription(user.id)).toMatchObject({
      "priority 10": 0,
      "expires in 5 days": 5,
      "expires in 30 days": 10,
    });
    await spend(20);
    expect(await remainingByDescription(user.id)).toMatchObject({
      "expires in 5 days": 0,
      "expires in 30 days": 0,
      "old, no expiry": 5,
      "new, no expiry": 10,
    });
    const grants = await caller.credits.grants();
    expect(grants.map((grant) => grant.remaining)).toEqual([5, 10]);
  });
});

describe("expiry", () => {
  it("an expired grant pays for nothing and leaves the balance before its EXPIRE entry is posted", async () => {
    const { user, caller } = await userWithGrants([
      { amount: 30, description: "lasting" },
      { amount: 50, description: "expiring", expiresInDays: 1, priority: 500 },
    ]);
    await caller.purchases.create({
      itemId: "a",
      itemName: "A",
      credits: 10,
      idempotencyKey: newKey(),
    });
    const expiring = await db.creditGrant.findFirstOrThrow({
      where: { account: { userId: user.id }, priority: 500 },
      select: { id: true },
    });
    await expireGrantNow(expiring.id);

    // Not yet posted, already out of the balance and of what can be spent.
    expect(await entryCount(user.id)).toBe(3);
    expect(await caller.credits.balance()).toMatchObject({ total: 20, available: 20 });
    const error = await trpcErrorOf(
      caller.purchases.create({
        itemId: "b",
        itemName: "B",
        credits: 21,
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("PAYMENT_REQUIRED");
    expect(error.message).toContain("20 available");

    // The next change to the account posts the expiry first.
    await caller.purchases.create({
      itemId: "c",
      itemName: "C",
      credits: 5,
      idempotencyKey: newKey(),
    });
    const history = (await caller.credits.history({})).entries;
    expect(
      history.slice(0, 2).map((entry) => [entry.type, entry.amount, entry.balanceAfter]),
    ).toEqual([
      ["PURCHASE", -5, 15],
      ["EXPIRE", -50, 20],
    ]);
  });

  it("the sweep posts due expiries once", async () => {
    const { user, caller } = await userWithGrants([
      { amount: 40, description: "soon gone", expiresInDays: 1 },
    ]);
    const grant = await db.creditGrant.findFirstOrThrow({
      where: { account: { userId: user.id } },
      select: { id: true },
    });
    await expireGrantNow(grant.id);
    await runExpirySweep(db);
    await runExpirySweep(db);
    const entries = (await caller.credits.history({})).entries;
    expect(entries.map((entry) => entry.type)).toEqual(["EXPIRE", "GRANT"]);
    expect((await caller.credits.balance()).total).toBe(0);
  });
});

describe("holds", () => {
  it("reserving lowers what is available, not the balance; spends cannot use held credits", async () => {
    const { caller, actor, user } = await userWithGrants([{ amount: 100, description: "funds" }]);
    const hold = await reserveHold(db, actor, user.id, {
      appId: "default",
      amount: 70,
      ttlSeconds: 60,
      description: "AI job",
      idempotencyKey: newKey(),
    });
    expect(hold).toMatchObject({ status: "ACTIVE", amount: 70, available: 30 });
    expect(await caller.credits.balance()).toMatchObject({ total: 100, held: 70, available: 30 });
    const error = await trpcErrorOf(
      caller.purchases.create({
        itemId: "x",
        itemName: "X",
        credits: 31,
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("PAYMENT_REQUIRED");
    const tooBig = reserveHold(db, actor, user.id, {
      appId: "default",
      amount: 31,
      ttlSeconds: 60,
      description: "second job",
      idempotencyKey: newKey(),
    });
    await expect(tooBig).rejects.toMatchObject({ code: "PAYMENT_REQUIRED", available: 30 });
  });

  it("captures less than reserved (the rest returns) and refuses to capture more", async () => {
    const { caller, actor, user } = await userWithGrants([{ amount: 100, description: "funds" }]);
    const hold = await reserveHold(db, actor, user.id, {
      appId: "default",
      amount: 60,
      ttlSeconds: 60,
      description: "AI job",
      idempotencyKey: newKey(),
    });
    await expect(
      captureHold(
        db,
        actor,
        { holdId: hold.holdId, amount: 61, idempotencyKey: newKey() },
        user.id,
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", field: "amount" });
    const captured = await captureHold(
      db,
      actor,
      { holdId: hold.holdId, amount: 45, idempotencyKey: newKey() },
      user.id,
    );
    expect(captured).toMatchObject({ status: "CAPTURED", capturedAmount: 45, available: 55 });
    expect(await caller.credits.balance()).toMatchObject({ total: 55, held: 0, available: 55 });
    const [entry] = (await caller.credits.history({ limit: 1 })).entries;
    expect(entry).toMatchObject({ type: "HOLD_CAPTURE", amount: -45, holdId: hold.holdId });
    await expect(
      captureHold(db, actor, { holdId: hold.holdId, amount: 1, idempotencyKey: newKey() }, user.id),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("releases a hold, and an expired hold returns its credits by itself", async () => {
    const { caller, actor, user } = await userWithGrants([{ amount: 100, description: "funds" }]);
    const reserve = (amount: number) =>
      reserveHold(db, actor, user.id, {
        appId: "default",
        amount,
        ttlSeconds: 60,
        description: "job",
        idempotencyKey: newKey(),
      });
    const released = await reserve(30);
    expect(
      await releaseHold(db, actor, { holdId: released.holdId, idempotencyKey: newKey() }, user.id),
    ).toMatchObject({
      status: "RELEASED",
      available: 100,
    });

    const expiring = await reserve(50);
    expect((await caller.credits.balance()).available).toBe(50);
    await db.$executeRaw`UPDATE credit_holds SET expires_at = now() - interval '1 second' WHERE id = ${expiring.holdId}::uuid`;
    expect(await caller.credits.balance()).toMatchObject({ held: 0, available: 100 });
    await expect(
      captureHold(
        db,
        actor,
        { holdId: expiring.holdId, amount: 10, idempotencyKey: newKey() },
        user.id,
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await runExpirySweep(db);
    expect((await db.creditHold.findUniqueOrThrow({ where: { id: expiring.holdId } })).status).toBe(
      "EXPIRED",
    );
    expect(await entryCount(user.id)).toBe(1);
  });

  it("hides another user's hold as NOT_FOUND", async () => {
    const owner = await userWithGrants([{ amount: 10, description: "funds" }]);
    const stranger = await createUser();
    const hold = await reserveHold(db, owner.actor, owner.user.id, {
      appId: "default",
      amount: 5,
      ttlSeconds: 60,
      description: "job",
      idempotencyKey: newKey(),
    });
    await expect(
      releaseHold(
        db,
        { type: "USER", id: stranger.id },
        { holdId: hold.holdId, idempotencyKey: newKey() },
        stranger.id,
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
