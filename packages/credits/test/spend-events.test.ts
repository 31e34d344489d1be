// The spend path's events on the real database: credits.balance_low once per crossing of the
// threshold (100 parallel spends, with group commit and without), re-armed by a grant;
// credits.exhausted at 0; credits.spent only while an endpoint wants it; credits.expired; and the
// other debits (hold reserves, transfers) crossing too.
import { createDatabaseClient, type Database } from "@credits/db";
import { afterAll, describe, expect, it } from "vitest";
import { reserveHold } from "../src/service/holds.ts";
import { grantCredits, spendCredits } from "../src/service/operations.ts";
import { setDefaultLowBalanceThreshold } from "../src/service/thresholds/default.ts";
import { setLowBalanceThreshold } from "../src/service/thresholds/settings.ts";
import { transferCredits } from "../src/service/transfers.ts";
import type { Actor } from "../src/service/types.ts";
import { createUser, db, expireGrantNow, newKey, withOwnDatabase } from "./fixtures.ts";

const system: Actor = { type: "SYSTEM", id: null };

/** A client without group commit: each spend its own credits_debit statement. */
const plainDb = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 20 });
afterAll(() => plainDb.$disconnect());

async function userWith(database: Database, credits: number, threshold: number | null) {
  const user = await database.user.create({
    data: { email: `events-${newKey()}@example.com` },
    select: { id: true },
  });
  if (threshold !== null) {
    await setLowBalanceThreshold(database, system, user.id, { appId: "default", threshold });
  }
  if (credits > 0) await grant(database, user.id, credits);
  return user.id;
}

function grant(database: Database, userId: string, amount: number, expiresAt?: Date) {
  return grantCredits(database, system, {
    userId,
    amount,
    source: "PROMOTION",
    description: "funds",
    expiresAt,
    idempotencyKey: newKey(),
  });
}

function spend(database: Database, userId: string, amount: number, idempotencyKey = newKey()) {
  return spendCredits(database, system, userId, {
    appId: "default",
    amount,
    description: "spend",
    idempotencyKey,
  });
}

/** The spend path's events (credits.granted, of the grants that fund the tests, is not one). */
function eventsOf(database: Database, userId: string) {
  return database.creditEvent.findMany({
    where: { userId, type: { not: "credits.granted" } },
    orderBy: { sequence: "asc" },
    select: { type: true, data: true, sequence: true },
  });
}

const typesOf = async (database: Database, userId: string) =>
  (await eventsOf(database, userId)).map((event) => event.type);

describe.each([
  ["group commit", db],
  ["one statement per spend", plainDb],
])("100 parallel spends crossing the threshold (%s)", (_, database) => {
  it("record one credits.balance_low and one credits.exhausted", async () => {
    const userId = await userWith(database, 100, 30);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, () => spend(database, userId, 1)),
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(100);
    const events = await eventsOf(database, userId);
    expect(events.map((event) => event.type)).toEqual(["credits.balance_low", "credits.exhausted"]);
    const [low, exhausted] = events;
    expect(low?.data).toMatchObject({
      amount: 1,
      balance: 29,
      available: 29,
      threshold: 30,
      entry_type: "spend",
      platform_user_id: userId,
      app_id: "default",
    });
    expect(low?.data).toHaveProperty("transaction_id");
    expect(low?.data).toHaveProperty("idempotency_key");
    expect(exhausted?.data).toMatchObject({ balance: 0, available: 0 });
  });
});

describe("the spend path's events", () => {
  it("fire again after a grant re-arms the threshold, never on spends already below it", async () => {
    const userId = await userWith(db, 50, 20);
    await spend(db, userId, 35); // 50 → 15: crosses
    await spend(db, userId, 5); // 15 → 10: already below
    expect(await typesOf(db, userId)).toEqual(["credits.balance_low"]);
    await grant(db, userId, 5); // 15: still below, nothing re-armed
    await spend(db, userId, 1);
    expect(await typesOf(db, userId)).toEqual(["credits.balance_low"]);
    await grant(db, userId, 30); // 44: above again
    await spend(db, userId, 30); // 44 → 14: a second crossing
    expect(await typesOf(db, userId)).toEqual(["credits.balance_low", "credits.balance_low"]);
  });

  it("follow the default threshold, and nothing below it when the account turns alerts off", async () => {
    setDefaultLowBalanceThreshold(40);
    try {
      const followsDefault = await userWith(db, 50, null);
      const turnedOff = await userWith(db, 50, 0);
      await spend(db, followsDefault, 20);
      await spend(db, turnedOff, 20);
      const [low] = await eventsOf(db, followsDefault);
      expect(low).toMatchObject({ type: "credits.balance_low", data: { threshold: 40 } });
      expect(await typesOf(db, turnedOff)).toEqual([]);
    } finally {
      setDefaultLowBalanceThreshold(0);
    }
  });

  it("record nothing for a refused spend or a replay", async () => {
    const userId = await userWith(db, 10, 5);
    await expect(spend(db, userId, 11)).rejects.toMatchObject({ kind: "insufficient_credits" });
    const key = newKey();
    await spend(db, userId, 6, key);
    await spend(db, userId, 6, key);
    expect(await typesOf(db, userId)).toEqual(["credits.balance_low"]);
  });

  it("come from hold reserves and transfers, which lower what is available too", async () => {
    const holder = await userWith(db, 100, 50);
    await reserveHold(db, system, holder, {
      appId: "default",
      amount: 60,
      ttlSeconds: 600,
      description: "job",
      idempotencyKey: newKey(),
    });
    const [reserved] = await eventsOf(db, holder);
    expect(reserved).toMatchObject({
      type: "credits.balance_low",
      data: { entry_type: "hold_reserve", balance: 100, available: 40, amount: 60 },
    });
    expect(reserved?.data).toHaveProperty("hold_id");

    const sender = await userWith(db, 30, 10);
    const recipient = await createUser();
    await transferCredits(db, system, sender, {
      appId: "default",
      to: { userId: recipient.id },
      amount: 30,
      description: "all of it",
      idempotencyKey: newKey(),
    });
    expect(await typesOf(db, sender)).toEqual(["credits.balance_low", "credits.exhausted"]);
    expect(await typesOf(db, recipient.id)).toEqual([]);
  });

  it("record credits.expired for each grant that expires, and the crossing it makes", async () => {
    const userId = await userWith(db, 10, 15);
    const expiring = await grant(db, userId, 20, new Date(Date.now() + 86_400_000));
    const grantRow = await db.creditGrant.findFirstOrThrow({
      where: { account: { userId }, amount: 20 },
      select: { id: true },
    });
    await expireGrantNow(grantRow.id);
    await spend(db, userId, 1); // settles first: 30 → 10, then 10 → 9
    const events = await eventsOf(db, userId);
    expect(events.map((event) => event.type)).toEqual(["credits.expired", "credits.balance_low"]);
    expect(events[0]?.data).toMatchObject({
      amount: 20,
      balance: 10,
      available: 10,
      grant_id: grantRow.id,
    });
    expect(events[1]?.data).toMatchObject({ entry_type: "expire", amount: 20, available: 10 });
    expect(expiring.balance).toBe(30);
  });

  it("record credits.spent only while an endpoint wants it", async () => {
    // A database of its own: wanted_event_types is global, and other suites spend meanwhile.
    await withOwnDatabase("credits_spent_wanted_test", async ({ db: own }) => {
      const userId = await userWith(own, 100, null);
      await spend(own, userId, 1);
      expect(await typesOf(own, userId)).toEqual([]);
      await own.$executeRaw`INSERT INTO wanted_event_types (type) VALUES ('credits.spent')`;
      const key = newKey();
      await spend(own, userId, 2, key);
      const [spent] = await eventsOf(own, userId);
      expect(spent).toMatchObject({
        type: "credits.spent",
        data: { amount: 2, balance: 97, available: 97, idempotency_key: key, entry_type: "spend" },
      });
      await own.$executeRaw`DELETE FROM wanted_event_types WHERE type = 'credits.spent'`;
      await spend(own, userId, 3);
      expect(await typesOf(own, userId)).toEqual(["credits.spent"]);
    });
  });
});
