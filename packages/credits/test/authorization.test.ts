// Who may call what: anonymous callers are refused by every protected procedure, users only ever
// see and change their own credits, and admin procedures are for admins.
import { describe, expect, it } from "vitest";
import { callerFor, createUser, fundedUser, newKey, trpcErrorOf } from "./fixtures.ts";

describe("authorization", () => {
  it("refuses anonymous callers on every user procedure with UNAUTHORIZED", async () => {
    const anonymous = callerFor(null);
    const calls = [
      () => anonymous.credits.balance(),
      () => anonymous.credits.history({}),
      () => anonymous.credits.grants(),
      () => anonymous.credits.balanceAt({ at: new Date() }),
      () =>
        anonymous.credits.transfer({
          to: { email: "a@example.com" },
          amount: 1,
          idempotencyKey: newKey(),
        }),
      () =>
        anonymous.purchases.create({
          itemId: "x",
          itemName: "X",
          credits: 1,
          idempotencyKey: newKey(),
        }),
      () => anonymous.purchases.list({}),
      () => anonymous.subscriptions.get(),
      () => anonymous.subscriptions.quotas(),
      () => anonymous.subscriptions.checkout({ tier: "PRO" }),
      () => anonymous.subscriptions.change({ tier: "PREMIUM" }),
      () => anonymous.subscriptions.cancel(),
      () => anonymous.subscriptions.resume(),
      () => anonymous.subscriptions.portal(),
      () => anonymous.billing.buyCredits({ packId: "pack_500" }),
      () => anonymous.usage.check({ feature: "reports" }),
      () => anonymous.usage.track({ feature: "reports", idempotencyKey: newKey() }),
      () => anonymous.usage.byDay({}),
    ];
    for (const call of calls) expect((await trpcErrorOf(call())).code).toBe("UNAUTHORIZED");
  });

  it("shows each user only their own balance, history, grants, purchases and past balances", async () => {
    const owner = await fundedUser(500);
    await owner.caller.purchases.create({
      itemId: "secret",
      itemName: "Owner's report",
      credits: 100,
      idempotencyKey: newKey(),
    });
    const other = await fundedUser(7);
    const sneaky = { userId: owner.user.id } as object;

    expect((await other.caller.credits.balance()).total).toBe(7);
    const history = await other.caller.credits.history({ ...sneaky });
    expect(history.entries.map((entry) => entry.amount)).toEqual([7]);
    expect((await other.caller.credits.grants()).map((grant) => grant.remaining)).toEqual([7]);
    expect((await other.caller.purchases.list({ ...sneaky })).purchases).toEqual([]);
    expect((await other.caller.credits.balanceAt({ at: new Date(), ...sneaky })).balance).toBe(7);
  });

  it("spends and transfers only from the caller's own account", async () => {
    const owner = await fundedUser(500);
    const other = await fundedUser(0);
    const smuggled = { userId: owner.user.id, fromUserId: owner.user.id } as object;
    const purchase = other.caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 10,
      idempotencyKey: newKey(),
      ...smuggled,
    });
    expect((await trpcErrorOf(purchase)).code).toBe("PAYMENT_REQUIRED");
    const transfer = other.caller.credits.transfer({
      to: { userId: other.user.id },
      amount: 10,
      idempotencyKey: newKey(),
      ...smuggled,
    });
    expect((await trpcErrorOf(transfer)).code).toBe("BAD_REQUEST");
    expect((await owner.caller.credits.balance()).total).toBe(500);
  });

  it("keeps admin procedures for admins", async () => {
    const user = await createUser();
    const target = await fundedUser(50);
    const purchase = await target.caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 10,
      idempotencyKey: newKey(),
    });
    const adjust = {
      direction: "grant" as const,
      userId: user.id,
      amount: 5,
      reason: "self-service",
      idempotencyKey: newKey(),
    };
    const refund = { purchaseId: purchase.purchaseId, reason: "please", idempotencyKey: newKey() };
    for (const [caller, code] of [
      [callerFor(null), "UNAUTHORIZED"],
      [callerFor(user), "FORBIDDEN"],
    ] as const) {
      expect((await trpcErrorOf(caller.admin.credits.adjust(adjust))).code).toBe(code);
      expect((await trpcErrorOf(caller.admin.purchases.refund(refund))).code).toBe(code);
    }
    expect((await target.caller.credits.balance()).total).toBe(40);
  });
});
