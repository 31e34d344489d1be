// Moving credits between accounts: transfers between users, refunds of purchases and operators'
// adjustments, each with the entries and balances it leaves.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createUser, db, fundedUser, newKey, trpcErrorOf } from "./fixtures.ts";

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

  it("checks a recipient before any transfer: an existing user passes (by email, any case), an unknown email and oneself are refused as answers, and nothing moves", async () => {
    const { user, caller } = await fundedUser(20);
    const recipient = await createUser();
    expect(
      await caller.credits.transferRecipient({ to: { email: recipient.email.toUpperCase() } }),
    ).toEqual({ ok: true, recipientUserId: recipient.id });
    expect(
      await caller.credits.transferRecipient({ to: { email: "nobody-here@example.com" } }),
    ).toEqual({ ok: false, problem: "unknown", message: "No user has this email address." });
    expect(await caller.credits.transferRecipient({ to: { userId: randomUUID() } })).toMatchObject({
      ok: false,
      problem: "unknown",
    });
    const self = await caller.credits.transferRecipient({ to: { email: user.email } });
    expect(self).toMatchObject({ ok: false, problem: "self" });
    expect(self.ok === false && self.message).toContain("yourself");
    expect((await caller.credits.balance()).total).toBe(20);
    expect((await callerFor(recipient).credits.balance()).total).toBe(0);
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
