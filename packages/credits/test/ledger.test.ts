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

describe("transfers", () => {
  it("moves credits to a user named by email: both sides written, both balances right", async () => {
    const { user: sender, caller } = await fundedUser(200);
    const recipient = await createUser();
    const result = await caller.credits.transfer({
      to: { email: recipient.email.toUpperCase() },
      amount: 75,
      description: "lunch",
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ balance: 125, recipientUserId: recipient.id });
    expect((await callerFor(recipient).credits.balance()).total).toBe(75);
    const entries = await db.creditTransaction.findMany({
      where: { transferId: result.transferId },
      orderBy: { id: "asc" },
      select: { userId: true, type: true, amount: true },
    });
    expect(entries).toEqual([
      { userId: sender.id, type: "TRANSFER_OUT", amount: -75n },
      { userId: recipient.id, type: "TRANSFER_IN", amount: 75n },
    ]);
  });

  it("answers NOT_FOUND for an unknown recipient, BAD_REQUEST for oneself, PAYMENT_REQUIRED beyond the balance", async () => {
    const { user, caller } = await fundedUser(20);
    const recipient = await createUser();
    const transfer = (to: object, amount = 5) =>
      caller.credits.transfer({ to: to as { email: string }, amount, idempotencyKey: newKey() });
    expect((await trpcErrorOf(transfer({ email: "nobody-here@example.com" }))).code).toBe(
      "NOT_FOUND",
    );
    const self = await trpcErrorOf(transfer({ userId: user.id }));
    expect(self.code).toBe("BAD_REQUEST");
    expect(self.message).toContain("yourself");
    expect((await trpcErrorOf(transfer({ userId: recipient.id }, 21))).code).toBe(
      "PAYMENT_REQUIRED",
    );
    expect((await trpcErrorOf(transfer({ email: "not an email" }))).code).toBe("BAD_REQUEST");
    expect((await caller.credits.balance()).total).toBe(20);
  });
});

describe("refunds", () => {
  it("refunds partially, then the rest, never more than was paid", async () => {
    const { user, caller, adminCaller } = await fundedUser(100);
    const purchase = await caller.purchases.create({
      itemId: "r",
      itemName: "Report",
      credits: 60,
      idempotencyKey: newKey(),
    });
    const refund = (amount?: number) =>
      adminCaller.admin.purchases.refund({
        purchaseId: purchase.purchaseId,
        amount,
        reason: "late",
        idempotencyKey: newKey(),
      });

    expect(await refund(25)).toMatchObject({
      refunded: 25,
      status: "PARTIALLY_REFUNDED",
      balance: 65,
    });
    const tooMuch = await trpcErrorOf(refund(36));
    expect(tooMuch.code).toBe("BAD_REQUEST");
    expect(tooMuch.message).toContain("35");
    expect(await refund()).toMatchObject({ refunded: 35, status: "REFUNDED", balance: 100 });
    expect((await trpcErrorOf(refund(1))).code).toBe("CONFLICT");

    const refunds = await db.creditTransaction.findMany({
      where: { userId: user.id, type: "REFUND" },
      orderBy: { id: "asc" },
      select: { amount: true, purchaseId: true, grantId: true, actorType: true },
    });
    expect(refunds.map((entry) => entry.amount)).toEqual([25n, 35n]);
    expect(
      refunds.every(
        (entry) =>
          entry.purchaseId === purchase.purchaseId && entry.grantId && entry.actorType === "ADMIN",
      ),
    ).toBe(true);
  });

  it("answers NOT_FOUND for an unknown purchase", async () => {
    const admin = await createUser("ADMIN");
    const error = await trpcErrorOf(
      callerFor(admin).admin.purchases.refund({
        purchaseId: "00000000-0000-4000-8000-000000000000",
        reason: "x",
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });
});

describe("admin adjustments", () => {
  it("debits with a reason, refuses to go below zero, and records the admin as actor", async () => {
    const { user, admin, adminCaller, caller } = await fundedUser(40);
    const debit = (amount: number) =>
      adminCaller.admin.credits.adjust({
        direction: "debit",
        userId: user.id,
        amount,
        reason: "chargeback",
        idempotencyKey: newKey(),
      });
    expect((await debit(15)).balance).toBe(25);
    expect((await trpcErrorOf(debit(26))).code).toBe("PAYMENT_REQUIRED");
    const [latest] = (await caller.credits.history({ limit: 1 })).entries;
    expect(latest).toMatchObject({
      type: "ADJUSTMENT",
      amount: -15,
      description: "chargeback",
      actorType: "ADMIN",
      actorId: admin.id,
    });
  });

  it("answers NOT_FOUND when granting to an unknown user", async () => {
    const admin = await createUser("ADMIN");
    const error = await trpcErrorOf(
      callerFor(admin).admin.credits.adjust({
        direction: "grant",
        userId: "00000000-0000-4000-8000-000000000000",
        amount: 5,
        reason: "x",
        idempotencyKey: newKey(),
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("refuses admin procedures to users (FORBIDDEN) and to anonymous callers (UNAUTHORIZED)", async () => {
    const { user, caller } = await fundedUser(10);
    const input = {
      direction: "grant" as const,
      userId: user.id,
      amount: 5,
      reason: "self",
      idempotencyKey: newKey(),
    };
    expect((await trpcErrorOf(caller.admin.credits.adjust(input))).code).toBe("FORBIDDEN");
    expect((await trpcErrorOf(callerFor(null).admin.credits.adjust(input))).code).toBe(
      "UNAUTHORIZED",
    );
    expect((await trpcErrorOf(callerFor(null).credits.balance())).code).toBe("UNAUTHORIZED");
    expect((await caller.credits.balance()).total).toBe(10);
  });
});

describe("history and point-in-time balance", () => {
  it("pages newest first by keyset and filters by type, app and date", async () => {
    const { user, caller, adminCaller } = await fundedUser(100);
    for (let index = 0; index < 5; index++) {
      await caller.purchases.create({
        itemId: `i${index}`,
        itemName: `Item ${index}`,
        credits: 1,
        idempotencyKey: newKey(),
      });
    }
    await adminCaller.admin.credits.adjust({
      direction: "grant",
      userId: user.id,
      appId: "reports",
      amount: 9,
      reason: "r",
      idempotencyKey: newKey(),
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.credits.history>> = await caller.credits.history(
        { limit: 3, cursor },
      );
      seen.push(...page.entries.map((entry) => entry.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect([...seen].sort((a, b) => Number(BigInt(b) - BigInt(a)))).toEqual(seen);

    const purchases = await caller.credits.history({ types: ["PURCHASE"] });
    expect(purchases.entries).toHaveLength(5);
    const reports = await caller.credits.history({ appId: "reports" });
    expect(reports.entries.map((entry) => entry.amount)).toEqual([9]);
    const future = await caller.credits.history({ from: new Date(Date.now() + 60_000) });
    expect(future.entries).toHaveLength(0);
    const invalid = await trpcErrorOf(
      caller.credits.history({ from: new Date(2), to: new Date(1) }),
    );
    expect(invalid.code).toBe("BAD_REQUEST");
  });

  it("answers the balance at a past instant from balance-after", async () => {
    const { caller } = await fundedUser(100);
    const [funding] = (await caller.credits.history({})).entries;
    const afterFunding = new Date((funding?.createdAt.getTime() ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 40,
      idempotencyKey: newKey(),
    });
    expect((await caller.credits.balanceAt({ at: afterFunding })).balance).toBe(100);
    expect((await caller.credits.balanceAt({ at: new Date() })).balance).toBe(60);
    expect((await caller.credits.balanceAt({ at: new Date(0) })).balance).toBe(0);
  });
});

describe("the database itself", () => {
  it("refuses to edit or delete ledger entries", async () => {
    const { user } = await fundedUser(10);
    await expect(
      db.$executeRaw`UPDATE credit_transactions SET amount = 1000 WHERE user_id = ${user.id}::uuid`,
    ).rejects.toThrow(/append-only/);
    await expect(
      db.$executeRaw`DELETE FROM credit_transactions WHERE user_id = ${user.id}::uuid`,
    ).rejects.toThrow(/append-only/);
  });

  it("refuses a negative balance and a grant remaining above its amount", async () => {
    const { user } = await fundedUser(10);
    await expect(
      db.$executeRaw`UPDATE credit_accounts SET balance = -1 WHERE user_id = ${user.id}::uuid`,
    ).rejects.toThrow(/credit_accounts_balance_range/);
    await expect(
      db.$executeRaw`UPDATE credit_grants SET remaining = amount + 1 WHERE account_id IN (SELECT id FROM credit_accounts WHERE user_id = ${user.id}::uuid)`,
    ).rejects.toThrow(/credit_grants_remaining_range/);
  });
});

describe("spending by day", () => {
  it("sums what left the account per day, every day of the range present", async () => {
    const { caller, adminCaller, user } = await fundedUser(500);
    await caller.purchases.create({
      itemId: "a",
      itemName: "A",
      credits: 40,
      idempotencyKey: newKey(),
    });
    await caller.credits.transfer({
      to: { userId: (await createUser()).id },
      amount: 15,
      idempotencyKey: newKey(),
    });
    await adminCaller.admin.credits.adjust({
      direction: "debit",
      userId: user.id,
      amount: 9,
      reason: "not spending",
      idempotencyKey: newKey(),
    });
    const days = await caller.credits.spendingByDay({ days: 30 });
    expect(days).toHaveLength(30);
    expect(days.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
    // All of it today (or, run across midnight UTC, yesterday and today).
    expect(days.reduce((sum, day) => sum + day.spent, 0)).toBe(55);
  });
});
