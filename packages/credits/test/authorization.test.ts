// Who may call what, for every procedure of the router: the matrix is read from appRouter itself
// (procedures.ts), so a procedure added tomorrow is checked without anyone listing it. Anonymous
// callers are refused (UNAUTHORIZED) by everything not public on purpose, users are refused
// (FORBIDDEN) by every admin procedure while admins pass the role check, and every user procedure
// acts on the caller's own data only (each names the test below that proves it).
//
// One file past 300 lines on purpose: the matrix and the own-data proofs are read from the same
// procedure list, and a proof missing for any user procedure fails the matrix.
import { hashPassword } from "@credits/auth";
import { describe, expect, it } from "vitest";
import type { SessionUser } from "../src/index.ts";
import { createCaller } from "../src/root.ts";
import {
  callerFor,
  createUser,
  db,
  fundedUser,
  newKey,
  sessionUserOf,
  trpcErrorOf,
  unconfiguredBilling,
  withOwnDatabase,
} from "./fixtures.ts";
import { outcomeOf, procedures, publicProcedures } from "./procedures.ts";
import { billedCaller, fake, subscribe } from "./stripe-fixtures.ts";

type Caller = ReturnType<typeof callerFor>;

const paths = procedures.map((procedure) => procedure.path).sort();
const adminProcedures = paths.filter((path) => path.startsWith("admin."));
const userProcedures = paths.filter(
  (path) => !path.startsWith("admin.") && !publicProcedures.includes(path),
);

/** What each procedure answers to `caller`, as { path: code }, for a diff that names the culprits. */
async function outcomesFor(caller: Caller, list: string[]): Promise<Record<string, string>> {
  const outcomes: Record<string, string> = {};
  for (const path of list) outcomes[path] = await outcomeOf(caller, path);
  return outcomes;
}

const everyOne = (list: string[], code: string) =>
  Object.fromEntries(list.map((path) => [path, code]));

describe("the authorization matrix, read from the router", () => {
  it("sees every procedure, the new ones included", () => {
    expect(paths.length).toBeGreaterThanOrEqual(40);
    for (const path of [
      "credits.spendingByDay",
      "credits.onChange",
      "usage.byDay",
      "subscriptions.change",
      "admin.tokens.create",
      "admin.tokens.revoke",
    ])
      expect(paths).toContain(path);
    expect(procedures.find((procedure) => procedure.path === "credits.onChange")?.type).toBe(
      "subscription",
    );
    // The list of public procedures names only procedures that exist.
    expect(publicProcedures.filter((path) => !paths.includes(path))).toEqual([]);
  });

  it("refuses anonymous callers with UNAUTHORIZED on every procedure that is not public", async () => {
    const anonymous = callerFor(null);
    const refused = [...userProcedures, ...adminProcedures];
    expect(await outcomesFor(anonymous, refused)).toEqual(everyOne(refused, "UNAUTHORIZED"));
  });

  it("lets anonymous callers reach the public procedures", async () => {
    const outcomes = await outcomesFor(callerFor(null), publicProcedures);
    // Those with an input are reached and refuse it missing; the others answer.
    expect(outcomes).toEqual({
      ...everyOne(publicProcedures, "ok"),
      "auth.redeemSignInLink": "BAD_REQUEST",
      "auth.signInLink": "BAD_REQUEST",
      "auth.signUp": "BAD_REQUEST",
    });
  });

  it("refuses signed-in users with exactly FORBIDDEN on every admin procedure", async () => {
    const user = callerFor(await createUser());
    expect(await outcomesFor(user, adminProcedures)).toEqual(
      everyOne(adminProcedures, "FORBIDDEN"),
    );
  });

  it("lets admins past the role check of every admin procedure", async () => {
    // A database of its own: past the check a procedure may run (those without input do).
    await withOwnDatabase("credits_authz_test", async ({ db: own }) => {
      const admin = await own.user.create({
        data: { email: "matrix-admin@example.com", role: "ADMIN" },
      });
      const caller = createCaller({
        db: own,
        session: { user: sessionUserOf({ id: admin.id, email: admin.email, role: "ADMIN" }) },
        billing: unconfiguredBilling,
        origin: "http://127.0.0.1:3000",
      });
      const outcomes = await outcomesFor(caller, adminProcedures);
      const stopped = Object.entries(outcomes).filter(([, code]) =>
        ["UNAUTHORIZED", "FORBIDDEN"].includes(code),
      );
      expect(stopped).toEqual([]);
    });
  });

  it("refuses users' admin calls with valid input too, changing nothing", async () => {
    const { user, caller } = await fundedUser(20);
    const purchase = await caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 5,
      idempotencyKey: newKey(),
    });
    const calls = [
      caller.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 1000,
        reason: "self-service",
        idempotencyKey: newKey(),
      }),
      caller.admin.purchases.refund({
        purchaseId: purchase.purchaseId,
        reason: "please",
        idempotencyKey: newKey(),
      }),
      caller.admin.users.setRole({ userId: user.id, role: "ADMIN", reason: "r" }),
      caller.admin.credits.bulkGrant({
        batchKey: newKey(),
        emails: [user.email],
        amount: 1,
        reason: "r",
      }),
      caller.admin.subscriptions.setTier({ userId: user.id, tier: "PRO", reason: "r" }),
      caller.admin.tokens.create({ name: "mine", scopes: ["write"] }),
      caller.admin.users.endSessions({ userId: user.id, reason: "r" }),
    ];
    for (const call of calls) expect((await trpcErrorOf(call)).code).toBe("FORBIDDEN");
    expect((await caller.credits.balance()).total).toBe(15);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("USER");
    expect(await db.subscription.findUnique({ where: { userId: user.id } })).toBeNull();
    expect(await db.auditLog.count({ where: { actorId: user.id } })).toBe(0);
  });
});

// ─── Own data only ──────────────────────────────────────────────────────────────────────────
// Each user procedure works on `ctx.session.user` alone; these tests try to point them at another
// user (an extra `userId` in the input, which the schemas drop) and check nothing of theirs shows.

const proofs = {
  reads: "reads only the caller's credits, history, purchases, spending and usage",
  stream: "streams only the caller's own credit changes",
  moves: "spends, transfers and uses quota only from the caller's own account",
  billing: "starts and changes billing only for the caller's own subscription",
  sessions: "changes the password and ends the sessions of the caller only",
  alerts: "reads and sets the low-balance threshold of the caller's own account only",
} as const;

/** Every user procedure, and the test that proves it keeps to the caller's own data. */
const ownDataProofs: Record<string, keyof typeof proofs> = {
  "credits.balance": "reads",
  "credits.history": "reads",
  "credits.grants": "reads",
  "credits.balanceAt": "reads",
  "credits.spendingByDay": "reads",
  "purchases.list": "reads",
  "subscriptions.get": "reads",
  "subscriptions.quotas": "reads",
  "usage.check": "reads",
  "usage.byDay": "reads",
  "credits.onChange": "stream",
  "credits.transfer": "moves",
  "credits.transferRecipient": "moves",
  "purchases.create": "moves",
  "usage.track": "moves",
  "subscriptions.checkout": "billing",
  "subscriptions.change": "billing",
  "subscriptions.cancel": "billing",
  "subscriptions.resume": "billing",
  "subscriptions.portal": "billing",
  "billing.buyCredits": "billing",
  "billing.autoTopup": "billing",
  "billing.setAutoTopup": "billing",
  "billing.saveCardSession": "billing",
  "auth.changePassword": "sessions",
  "auth.signOutEverywhere": "sessions",
  "credits.threshold": "alerts",
  "credits.setThreshold": "alerts",
};

describe("own data only", () => {
  it("has a proof for every user procedure of the router", () => {
    expect(Object.keys(ownDataProofs).sort()).toEqual(userProcedures);
  });

  it(proofs.reads, async () => {
    const owner = await fundedUser(500);
    await owner.caller.purchases.create({
      itemId: "secret",
      itemName: "Owner's report",
      credits: 100,
      idempotencyKey: newKey(),
    });
    await owner.caller.usage.track({ feature: "reports", idempotencyKey: newKey() });
    await owner.adminCaller.admin.subscriptions.setTier({
      userId: owner.user.id,
      tier: "PREMIUM",
      reason: "comp",
    });
    const other = await fundedUser(7);
    const sneaky = { userId: owner.user.id } as object;

    expect((await other.caller.credits.balance()).total).toBe(7);
    const history = await other.caller.credits.history({ ...sneaky });
    expect(history.entries.map((entry) => entry.amount)).toEqual([7]);
    expect(
      (await other.caller.credits.grants({ ...sneaky })).map((grant) => grant.remaining),
    ).toEqual([7]);
    expect((await other.caller.purchases.list({ ...sneaky })).purchases).toEqual([]);
    expect((await other.caller.credits.balanceAt({ at: new Date(), ...sneaky })).balance).toBe(7);
    const spending = await other.caller.credits.spendingByDay({ days: 30, ...sneaky });
    expect(spending.reduce((sum, day) => sum + day.spent, 0)).toBe(0);
    expect(
      (await owner.caller.credits.spendingByDay({ days: 30 })).reduce(
        (sum, day) => sum + day.spent,
        0,
      ),
    ).toBe(100);
    expect((await other.caller.subscriptions.get()).tier).toBe("FREE");
    const reports = (await other.caller.subscriptions.quotas()).find(
      (quota) => quota.feature === "reports",
    );
    expect(reports?.used).toBe(0);
    expect((await other.caller.usage.check({ feature: "reports", ...sneaky })).used).toBe(0);
    expect(await other.caller.usage.byDay({ days: 30, ...sneaky })).toEqual([]);
    expect((await owner.caller.usage.byDay({ days: 30 })).map((day) => day.quantity)).toEqual([1]);
  });

  it(proofs.stream, async () => {
    const owner = await fundedUser(0);
    const other = await fundedUser(0);
    const stop = new AbortController();
    const stream = await createCaller(
      { db, session: { user: other.user }, billing: unconfiguredBilling, origin: "http://x" },
      { signal: stop.signal },
    ).credits.onChange();
    const received: { userId: string; appId: string }[] = [];
    const reading = (async () => {
      for await (const change of stream) received.push(change);
    })().catch(() => undefined);
    const grant = (user: SessionUser) =>
      owner.adminCaller.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 5,
        reason: "stream test",
        idempotencyKey: newKey(),
      });
    try {
      // The caller's own change arrives (so the stream listens), then the owner's never does.
      await expect
        .poll(
          async () => {
            await grant(other.user);
            return received.length;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      const seen = received.length;
      await grant(owner.user);
      await grant(other.user);
      await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(seen);
      expect(received.filter((change) => change.userId !== other.user.id)).toEqual([]);
    } finally {
      stop.abort();
      await reading;
    }
  });

  it(proofs.moves, async () => {
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
    // The recipient check is the sender's own too: a smuggled sender does not make "yourself" pass.
    const selfCheck = await other.caller.credits.transferRecipient({
      to: { userId: other.user.id },
      ...smuggled,
    });
    expect(selfCheck).toMatchObject({ ok: false, problem: "self" });
    await other.caller.usage.track({ feature: "reports", idempotencyKey: newKey(), ...smuggled });
    expect((await owner.caller.usage.check({ feature: "reports" })).used).toBe(0);
    expect((await other.caller.usage.check({ feature: "reports" })).used).toBe(1);
    expect((await owner.caller.credits.balance()).total).toBe(500);
  });

  it(proofs.billing, async () => {
    const owner = await createUser();
    const { subscriptionId } = await subscribe(owner, "PRO");
    const ownerCustomer = (await db.user.findUniqueOrThrow({ where: { id: owner.id } }))
      .stripeCustomerId;
    const otherUser = await createUser();
    const other = billedCaller(otherUser);
    const smuggled = { userId: owner.id } as object;

    // The other user has no subscription to change, cancel or resume; the owner's stays as it is.
    await trpcErrorOf(other.subscriptions.change({ tier: "PREMIUM", ...smuggled }));
    await trpcErrorOf(other.subscriptions.cancel());
    await trpcErrorOf(other.subscriptions.resume());
    expect(fake.state.subscriptions.get(subscriptionId)?.cancel_at_period_end).toBe(false);
    expect(await billedCaller(owner).subscriptions.get()).toMatchObject({
      tier: "PRO",
      cancelAtPeriodEnd: false,
    });

    // What they open is their own: Checkout sessions and the portal name them, not the owner.
    const checkout = await other.subscriptions.checkout({ tier: "PRO", ...smuggled });
    const pack = await other.billing.buyCredits({ packId: "pack_500", ...smuggled });
    const card = await other.billing.saveCardSession();
    await other.billing.setAutoTopup({
      enabled: false,
      belowCredits: 50,
      packId: "pack_500",
      monthlyCapCredits: 500,
      ...smuggled,
    });
    expect(await billedCaller(owner).billing.autoTopup()).toMatchObject({ belowCredits: null });
    expect(await other.billing.autoTopup({ ...smuggled } as never)).toMatchObject({
      belowCredits: 50,
    });
    await other.subscriptions.portal();
    const otherCustomer = (await db.user.findUniqueOrThrow({ where: { id: otherUser.id } }))
      .stripeCustomerId;
    expect(otherCustomer).not.toBe(ownerCustomer);
    for (const url of [checkout.url, pack.url, card.url]) {
      const session = fake.state.checkoutSessions.get(url.split("/").pop() ?? "");
      expect(session).toMatchObject({ client_reference_id: otherUser.id, customer: otherCustomer });
    }
    expect([...fake.state.billingPortalSessions.values()].at(-1)?.customer).toBe(otherCustomer);
  });

  it(proofs.sessions, async () => {
    const owner = await createUser();
    await db.user.update({
      where: { id: owner.id },
      data: { passwordHash: await hashPassword("the owner's password") },
    });
    const other = await createUser();
    const smuggled = { userId: owner.id } as object;
    const ownerBefore = await db.user.findUniqueOrThrow({ where: { id: owner.id } });

    await callerFor(other).auth.signOutEverywhere();
    // The other user has no password; the owner's is neither checked nor changed.
    await trpcErrorOf(
      callerFor(other).auth.changePassword({
        currentPassword: "the owner's password",
        newPassword: "taken over at last",
        ...smuggled,
      }),
    );
    const ownerAfter = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(ownerAfter.sessionVersion).toBe(ownerBefore.sessionVersion);
    expect(ownerAfter.passwordHash).toBe(ownerBefore.passwordHash);
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).sessionVersion).toBe(1);
  });

  it(proofs.alerts, async () => {
    const owner = await fundedUser(50);
    const other = await fundedUser(5);
    const smuggled = { userId: owner.user.id } as object;
    await owner.caller.credits.setThreshold({ threshold: 20 });
    expect(await other.caller.credits.threshold({ ...smuggled })).toMatchObject({
      custom: null,
      available: 5,
    });
    await other.caller.credits.setThreshold({ threshold: 100, ...smuggled });
    expect(await owner.caller.credits.threshold({})).toMatchObject({ custom: 20, available: 50 });
    expect(await other.caller.credits.threshold({})).toMatchObject({ custom: 100 });
  });
});
