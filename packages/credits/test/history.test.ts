// Reading the ledger: history with its filters and point-in-time balances, spending by day, and
// the rules the database itself enforces.
import { describe, expect, it } from "vitest";
import { createUser, db, fundedUser, newKey, trpcErrorOf } from "./fixtures.ts";

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
