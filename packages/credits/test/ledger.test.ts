// The ledger through the router: balances and spending, input validation and idempotency.
import { describe, expect, it } from "vitest";
import {
  callerFor,
  createUser,
  db,
  entryCount,
  fundedUser,
  newKey,
  trpcErrorOf,
} from "./fixtures.ts";

describe("balances and spending", () => {
  it("reports per-app balances and the total", async () => {
    const { user, caller, adminCaller } = await fundedUser(500);
    await adminCaller.admin.credits.adjust({
      direction: "grant",
      userId: user.id,
      appId: "reports",
      amount: 70,
      reason: "second app",
      idempotencyKey: newKey(),
    });
    const balance = await caller.credits.balance();
    expect(balance.total).toBe(570);
    expect(balance.available).toBe(570);
    expect(balance.apps.map((app) => [app.appId, app.balance])).toEqual([
      ["default", 500],
      ["reports", 70],
    ]);
  });

  it("a purchase lowers the balance and is listed with a linked PURCHASE entry", async () => {
    const { caller } = await fundedUser(300);
    const result = await caller.purchases.create({
      itemId: "report-1",
      itemName: "Quarterly report",
      credits: 120,
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ balance: 180, available: 180 });
    const { purchases } = await caller.purchases.list({});
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({
      id: result.purchaseId,
      credits: 120,
      status: "COMPLETED",
    });
    const history = await caller.credits.history({});
    expect(history.entries[0]).toMatchObject({
      id: result.transactionId,
      type: "PURCHASE",
      amount: -120,
      balanceAfter: 180,
      purchaseId: result.purchaseId,
      actorType: "USER",
    });
  });

  it("refuses a purchase it cannot pay with PAYMENT_REQUIRED carrying the available balance, and writes nothing", async () => {
    const { user, caller } = await fundedUser(100);
    const before = await entryCount(user.id);
    const error = await trpcErrorOf(
      caller.purchases.create({
        itemId: "big",
        itemName: "Big report",
        credits: 101,
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("PAYMENT_REQUIRED");
    expect(error.message).toContain("100 available");
    expect(await entryCount(user.id)).toBe(before);
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(0);
    expect((await caller.credits.balance()).total).toBe(100);
  });

  it("refuses to spend from an account that does not exist yet as PAYMENT_REQUIRED with 0 available", async () => {
    const user = await createUser();
    const error = await trpcErrorOf(
      callerFor(user).purchases.create({
        itemId: "x",
        itemName: "X",
        credits: 1,
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("PAYMENT_REQUIRED");
    expect(error.message).toContain("0 available");
  });

  it("answers NOT_FOUND for an unknown app", async () => {
    const { caller } = await fundedUser(10);
    const error = await trpcErrorOf(
      caller.purchases.create({
        appId: "no-such-app",
        itemId: "x",
        itemName: "X",
        credits: 1,
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("no-such-app");
  });
});

describe("validation", () => {
  const badAmounts: [string, unknown][] = [
    ["zero", 0],
    ["negative", -5],
    ["fraction", 1.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a string", "10"],
    ["above 10^12", 1_000_000_000_001],
    ["beyond 2^53", 2 ** 60],
    ["missing", undefined],
  ];

  it.each(badAmounts)(
    "refuses an amount that is %s with BAD_REQUEST naming the field, and writes nothing",
    async (_label, amount) => {
      const { user, caller } = await fundedUser(50);
      const before = await entryCount(user.id);
      const error = await trpcErrorOf(
        caller.purchases.create({
          itemId: "x",
          itemName: "X",
          credits: amount as number,
          idempotencyKey: newKey(),
        }),
      );
      expect(error.code).toBe("BAD_REQUEST");
      expect(JSON.stringify(error.cause)).toContain("credits");
      expect(await entryCount(user.id)).toBe(before);
    },
  );

  it("requires an idempotency key on every mutation", async () => {
    const { caller } = await fundedUser(50);
    const error = await trpcErrorOf(
      caller.purchases.create({ itemId: "x", itemName: "X", credits: 1 } as never),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(error.cause)).toContain("idempotencyKey");
  });

  it("refuses an expiry in the past", async () => {
    const { user, adminCaller } = await fundedUser(0);
    const error = await trpcErrorOf(
      adminCaller.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 5,
        expiresAt: new Date(Date.now() - 1000),
        reason: "late",
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(error.cause)).toContain("expiresAt");
  });

  it("refuses to push a balance past 2^53 − 1 with BAD_REQUEST", async () => {
    const { user, adminCaller } = await fundedUser(1000);
    // Reaching the limit honestly takes 9,000 grants of 10^12: lift this account near it instead,
    // keeping grants, entries and balance consistent, as ledger:verify expects.
    const lift = 9_007_199_254_739_000;
    await db.$transaction([
      db.$executeRaw`UPDATE credit_grants SET amount = amount + ${lift}, remaining = remaining + ${lift}
        WHERE account_id = (SELECT id FROM credit_accounts WHERE user_id = ${user.id}::uuid)`,
      db.$executeRaw`INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after, description, actor_type)
        SELECT id, user_id, app_id, 'ADJUSTMENT', ${lift}, balance + ${lift}, 'near the limit', 'SYSTEM'
        FROM credit_accounts WHERE user_id = ${user.id}::uuid`,
      db.$executeRaw`UPDATE credit_accounts SET balance = balance + ${lift} WHERE user_id = ${user.id}::uuid`,
    ]);
    const error = await trpcErrorOf(
      adminCaller.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 1_000_000_000_000,
        reason: "too much",
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("2^53");
  });
});

describe("idempotency", () => {
  it("returns the first result for a retry with the same key and request, and changes nothing", async () => {
    const { user, caller } = await fundedUser(100);
    const request = { itemId: "r", itemName: "Report", credits: 30, idempotencyKey: newKey() };
    const first = await caller.purchases.create(request);
    const entriesAfterFirst = await entryCount(user.id);
    const retry = await caller.purchases.create(request);
    expect(retry).toEqual(first);
    expect(await entryCount(user.id)).toBe(entriesAfterFirst);
    expect((await caller.credits.balance()).total).toBe(70);
  });

  it("answers CONFLICT for the same key with a different request", async () => {
    const { caller } = await fundedUser(100);
    const idempotencyKey = newKey();
    await caller.purchases.create({ itemId: "r", itemName: "Report", credits: 30, idempotencyKey });
    const error = await trpcErrorOf(
      caller.purchases.create({ itemId: "r", itemName: "Report", credits: 31, idempotencyKey }),
    );
    expect(error.code).toBe("CONFLICT");
    expect((await caller.credits.balance()).total).toBe(70);
  });

  it("lets a refused attempt be retried with the same key once credits arrive", async () => {
    const { user, caller, adminCaller } = await fundedUser(10);
    const request = { itemId: "r", itemName: "Report", credits: 30, idempotencyKey: newKey() };
    expect((await trpcErrorOf(caller.purchases.create(request))).code).toBe("PAYMENT_REQUIRED");
    await adminCaller.admin.credits.adjust({
      direction: "grant",
      userId: user.id,
      amount: 20,
      reason: "top up",
      idempotencyKey: newKey(),
    });
    expect((await caller.purchases.create(request)).balance).toBe(0);
  });

  it("keeps two users' identical keys apart", async () => {
    const first = await fundedUser(50);
    const second = await fundedUser(50);
    const idempotencyKey = newKey();
    await first.caller.purchases.create({
      itemId: "a",
      itemName: "A",
      credits: 10,
      idempotencyKey,
    });
    const other = await second.caller.purchases.create({
      itemId: "b",
      itemName: "B",
      credits: 20,
      idempotencyKey,
    });
    expect(other.balance).toBe(30);
  });
});
