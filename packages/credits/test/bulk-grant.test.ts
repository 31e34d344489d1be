// Operators' bulk grants (idempotent per batch and user, whoever resumes them) and the overview.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createUser, db, newKey, trpcErrorOf, withOwnDatabase } from "./fixtures.ts";

// Who may call the admin procedures: the matrix in authorization.test.ts, read from the router.

describe("bulk grant", () => {
  it("grants once per user across re-runs of the same batch, and reports unknown emails", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const users = await Promise.all([createUser(), createUser(), createUser()]);
    const chunk = {
      batchKey: newKey(),
      emails: [...users.map((user) => user.email.toUpperCase()), "nobody-here@example.com"],
      amount: 30,
      reason: "Goodwill credit",
    };
    const first = await admin.admin.credits.bulkGrant(chunk);
    expect(first.map((outcome) => outcome.status)).toEqual([
      "granted",
      "granted",
      "granted",
      "unknown-user",
    ]);
    // Interrupted and re-sent, plus a later chunk of the same batch repeating a user.
    const again = await admin.admin.credits.bulkGrant(chunk);
    expect(again.map((outcome) => outcome.balance)).toEqual([30, 30, 30, undefined]);
    await admin.admin.credits.bulkGrant({ ...chunk, emails: [users[0]?.email ?? ""] });
    for (const user of users) expect((await callerFor(user).credits.balance()).total).toBe(30);
    expect(
      (await trpcErrorOf(callerFor(users[0] ?? null).admin.credits.bulkGrant(chunk))).code,
    ).toBe("FORBIDDEN");
    const invalid = await trpcErrorOf(admin.admin.credits.bulkGrant({ ...chunk, emails: [] }));
    expect(invalid.code).toBe("BAD_REQUEST");
  });

  it("grants nobody twice when another operator resumes the batch", async () => {
    const [first, second] = [
      callerFor(await createUser("ADMIN")),
      callerFor(await createUser("ADMIN")),
    ];
    const users = await Promise.all([createUser(), createUser()]);
    const chunk = {
      batchKey: newKey(),
      emails: users.map((user) => user.email),
      amount: 25,
      reason: "Outage credit",
    };
    await first.admin.credits.bulkGrant({ ...chunk, emails: [users[0]?.email ?? ""] });
    // The first operator was interrupted; a colleague resumes the same batch from the start.
    const resumed = await second.admin.credits.bulkGrant(chunk);
    expect(resumed.map((outcome) => [outcome.status, outcome.balance])).toEqual([
      ["granted", 25],
      ["granted", 25],
    ]);
    for (const user of users) expect((await callerFor(user).credits.balance()).total).toBe(25);
  });

  it("finds users whose stored email has capitals", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const email = `Mixed.Case-${randomUUID()}@Example.COM`;
    const stored = { ...(await db.user.create({ data: { email } })), email };
    const [outcome] = await admin.admin.credits.bulkGrant({
      batchKey: newKey(),
      emails: [stored.email.toLowerCase()],
      amount: 12,
      reason: "Goodwill credit",
    });
    expect(outcome).toMatchObject({ status: "granted", balance: 12 });
    const balance = await callerFor({
      id: stored.id,
      email: stored.email,
      role: "USER",
    }).credits.balance();
    expect(balance.total).toBe(12);
  });

  it("writes one audit entry per user granted, naming the operator and the batch", async () => {
    const operator = await createUser("ADMIN");
    const users = await Promise.all([createUser(), createUser()]);
    const chunk = {
      batchKey: newKey(),
      emails: [...users.map((user) => user.email), "nobody-at-all@example.com"],
      amount: 40,
      reason: "Birthday credit",
    };
    await callerFor(operator).admin.credits.bulkGrant(chunk);
    await callerFor(await createUser("ADMIN")).admin.credits.bulkGrant(chunk);
    const audit = callerFor(operator).admin.audit;
    for (const user of users) {
      const { entries } = await audit.list({ targetUserId: user.id });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: "credits.bulk_grant",
        actor: { id: operator.id },
        reason: "Birthday credit",
        before: { appId: "default", balance: 0 },
        after: { appId: "default", balance: 40, amount: 40, batchKey: chunk.batchKey },
      });
    }
  });
});

describe("overview", () => {
  it("sums today's grants, spends, expiries and refunds, and the outstanding liability", async () => {
    await withOwnDatabase("credits_overview_test", async ({ db: scratchDb, callerAs }) => {
      const [admin, user] = await Promise.all([
        scratchDb.user.create({ data: { email: "o-admin@example.com", role: "ADMIN" } }),
        scratchDb.user.create({ data: { email: "o-user@example.com" } }),
      ]);
      const asAdmin = callerAs({ id: admin.id, email: admin.email, role: "ADMIN" });
      const asUser = callerAs({ id: user.id, email: user.email, role: "USER" });
      await asAdmin.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 500,
        reason: "r",
        idempotencyKey: newKey(),
      });
      const purchase = await asUser.purchases.create({
        itemId: "x",
        itemName: "X",
        credits: 200,
        idempotencyKey: newKey(),
      });
      await asAdmin.admin.purchases.refund({
        purchaseId: purchase.purchaseId,
        amount: 50,
        reason: "r",
        idempotencyKey: newKey(),
      });
      await asUser.credits.transfer({
        to: { userId: admin.id },
        amount: 25,
        idempotencyKey: newKey(),
      });

      const overview = await asAdmin.admin.overview({ days: 30 });
      expect(overview.flows).toHaveLength(30);
      const totals = overview.flows.reduce(
        (sum, day) => ({
          granted: sum.granted + day.granted,
          spent: sum.spent + day.spent,
          expired: sum.expired + day.expired,
          refunded: sum.refunded + day.refunded,
        }),
        { granted: 0, spent: 0, expired: 0, refunded: 0 },
      );
      expect(totals).toEqual({ granted: 500, spent: 200, expired: 0, refunded: 50 });
      expect(overview.liability).toEqual({ outstanding: 350, accountsWithCredits: 2 });
      expect((await asAdmin.admin.overview({ days: 90 })).flows).toHaveLength(90);
    });
  });
});
