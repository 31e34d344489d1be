// Concurrency against the real database: operations run in parallel on separate connections.
// (On the embedded PGlite they are serialised by its single session; the guarantees still hold.)
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../src/service/verify.ts";
import { callerFor, createUser, db, entryCount, fundedUser, newKey } from "./fixtures.ts";

type Settled<T> = PromiseSettledResult<T>;
const codeOf = (result: Settled<unknown>) =>
  result.status === "rejected" ? (result.reason as { code?: string }).code : "OK";

describe("concurrent spends", () => {
  it.each([
    ["room for exactly 23, nothing left", 230, 0],
    ["room for exactly 23, 7 left", 237, 7],
  ])(
    "50 parallel spends of 10 with %s: exactly 23 succeed, the rest get PAYMENT_REQUIRED",
    async (_label, funds, left) => {
      const { user, caller } = await fundedUser(funds);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, index) =>
          caller.purchases.create({
            itemId: `item-${index}`,
            itemName: "Item",
            credits: 10,
            idempotencyKey: newKey(),
          }),
        ),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((code) => code === "OK")).toHaveLength(23);
      expect(codes.filter((code) => code === "PAYMENT_REQUIRED")).toHaveLength(27);
      expect((await caller.credits.balance()).total).toBe(left);
      expect(await db.purchase.count({ where: { userId: user.id } })).toBe(23);
      expect(await entryCount(user.id)).toBe(1 + 23);
    },
  );
});

describe("concurrent transfers", () => {
  it("A→B and B→A at once finish without deadlock and conserve the total", async () => {
    const a = await fundedUser(1000);
    const b = await fundedUser(1000);
    const rounds = 20;
    const results = await Promise.allSettled(
      Array.from({ length: rounds }, (_, index) => [
        a.caller.credits.transfer({
          to: { userId: b.user.id },
          amount: 7 + index,
          idempotencyKey: newKey(),
        }),
        b.caller.credits.transfer({
          to: { userId: a.user.id },
          amount: 11 + index,
          idempotencyKey: newKey(),
        }),
      ]).flat(),
    );
    expect(results.map(codeOf).every((code) => code === "OK")).toBe(true);
    const [balanceA, balanceB] = await Promise.all([
      a.caller.credits.balance(),
      b.caller.credits.balance(),
    ]);
    expect(balanceA.total + balanceB.total).toBe(2000);
    expect(balanceA.total).toBe(1000 + rounds * 4);
    const violations = await verifyLedger(db);
    expect(violations).toEqual([]);
  });
});

describe("concurrent retries", () => {
  it("ten identical requests in flight with one key have one effect and one answer", async () => {
    const { user, caller } = await fundedUser(100);
    const request = { itemId: "once", itemName: "Once", credits: 40, idempotencyKey: newKey() };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => caller.purchases.create(request)),
    );
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect(results[0]?.balance).toBe(60);
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(1);
    expect(await entryCount(user.id)).toBe(2);
  });

  it("one key sent with different requests at once: one wins, the others get CONFLICT", async () => {
    const { user, caller } = await fundedUser(100);
    const idempotencyKey = newKey();
    const results = await Promise.allSettled(
      [5, 6, 7, 8, 9].map((credits) =>
        caller.purchases.create({ itemId: "x", itemName: "X", credits, idempotencyKey }),
      ),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "CONFLICT")).toHaveLength(4);
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(1);
  });

  it("parallel grants from a retried webhook-like caller grant once", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const request = {
      direction: "grant" as const,
      userId: user.id,
      amount: 500,
      reason: "retried",
      idempotencyKey: newKey(),
    };
    await Promise.all(
      Array.from({ length: 8 }, () => callerFor(admin).admin.credits.adjust(request)),
    );
    expect((await callerFor(user).credits.balance()).total).toBe(500);
    expect(await entryCount(user.id)).toBe(1);
  });
});

describe("a spend that waits for the account's lock", () => {
  /**
   * Holds the user's account lock while `during` reserves a hold, starts `spend` meanwhile, and
   * commits once the spend waits for the lock (on the embedded PGlite, which runs one transaction
   * at a time, the spend simply runs after the commit). Returns how the spend ended.
   */
  async function spendWhileHoldCommits(
    userId: string,
    held: number,
    spend: () => Promise<unknown>,
  ): Promise<string | undefined> {
    let outcome: Promise<Settled<unknown>> | undefined;
    await db.$transaction(async (tx) => {
      const [account] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM credit_accounts WHERE user_id = ${userId}::uuid FOR UPDATE`;
      await tx.$executeRaw`
        INSERT INTO credit_holds (id, account_id, amount, description, expires_at)
        VALUES (gen_random_uuid(), ${account?.id}::uuid, ${held}, 'reserved meanwhile', now() + interval '1 hour')`;
      outcome = Promise.allSettled([spend()]).then(([result]) => result as Settled<unknown>);
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const [waiting] = await tx.$queryRaw<{ count: bigint }[]>`
          SELECT COUNT(*) AS count FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        if (Number(waiting?.count ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    return outcome ? codeOf(await outcome) : undefined;
  }

  it("sees the hold committed while it waited, in one statement (a purchase)", async () => {
    const { user, caller } = await fundedUser(100);
    const code = await spendWhileHoldCommits(user.id, 100, () =>
      caller.purchases.create({
        itemId: "late",
        itemName: "Late",
        credits: 100,
        idempotencyKey: newKey(),
      }),
    );
    expect(code).toBe("PAYMENT_REQUIRED");
    expect((await caller.credits.balance()).total).toBe(100);
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(0);
  });

  it("sees the hold committed while it waited, across statements (a transfer)", async () => {
    const { user, caller } = await fundedUser(100);
    const recipient = await createUser();
    const code = await spendWhileHoldCommits(user.id, 60, () =>
      caller.credits.transfer({
        to: { userId: recipient.id },
        amount: 50,
        idempotencyKey: newKey(),
      }),
    );
    expect(code).toBe("PAYMENT_REQUIRED");
    expect((await callerFor(recipient).credits.balance()).total).toBe(0);
    expect(await verifyLedger(db)).toEqual([]);
  });
});
