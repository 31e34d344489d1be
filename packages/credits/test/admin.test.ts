import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  callerFor,
  createUser,
  db,
  fundedUser,
  newKey,
  trpcErrorOf,
  withOwnDatabase,
} from "./fixtures.ts";

// Who may call the admin procedures: the matrix in authorization.test.ts, read from the router.

describe("audit log", () => {
  it("records grants, debits and refunds with before, after and reason, in the same transaction", async () => {
    const { user, caller, admin, adminCaller } = await fundedUser(100);
    const purchase = await caller.purchases.create({
      itemId: "x",
      itemName: "X",
      credits: 30,
      idempotencyKey: newKey(),
    });
    await adminCaller.admin.credits.adjust({
      direction: "debit",
      userId: user.id,
      amount: 20,
      reason: "chargeback",
      idempotencyKey: newKey(),
    });
    await adminCaller.admin.purchases.refund({
      purchaseId: purchase.purchaseId,
      amount: 10,
      reason: "late",
      idempotencyKey: newKey(),
    });

    const { entries } = await adminCaller.admin.audit.list({ targetUserId: user.id });
    expect(entries.map((entry) => [entry.action, entry.reason, entry.actor.id])).toEqual([
      ["purchase.refund", "late", admin.id],
      ["credits.debit", "chargeback", admin.id],
      ["credits.grant", "test funding", admin.id],
    ]);
    expect(entries[0]).toMatchObject({
      before: { refundedCredits: 0, balance: 50 },
      after: { refundedCredits: 10, status: "PARTIALLY_REFUNDED", balance: 60 },
      targetUser: { id: user.id, email: user.email },
    });
    expect(entries[1]).toMatchObject({
      before: { balance: 70 },
      after: { balance: 50, amount: 20 },
    });

    const byAction = await adminCaller.admin.audit.list({
      targetUserId: user.id,
      action: "credits.debit",
    });
    expect(byAction.entries).toHaveLength(1);
    const byActor = await adminCaller.admin.audit.list({
      targetUserId: user.id,
      actorEmail: admin.email.toUpperCase(),
    });
    expect(byActor.entries.map((entry) => entry.action)).toEqual([
      "purchase.refund",
      "credits.debit",
      "credits.grant",
    ]);
    const byOtherActor = await adminCaller.admin.audit.list({ actorEmail: user.email });
    expect(byOtherActor).toEqual({ entries: [], nextCursor: null });
    const byUnknownActor = await adminCaller.admin.audit.list({
      actorEmail: `nobody-${randomUUID()}@example.com`,
    });
    expect(byUnknownActor).toEqual({ entries: [], nextCursor: null });
    expect(
      (await trpcErrorOf(adminCaller.admin.audit.list({ actorEmail: "not an email" }))).code,
    ).toBe("BAD_REQUEST");
    const page = await adminCaller.admin.audit.list({ targetUserId: user.id, limit: 2 });
    const next = await adminCaller.admin.audit.list({
      targetUserId: user.id,
      limit: 2,
      cursor: page.nextCursor,
    });
    expect(next.entries.map((entry) => entry.action)).toEqual(["credits.grant"]);
  });

  it("writes no audit entry when the action fails, and refuses edits of the log", async () => {
    const { user, adminCaller } = await fundedUser(10);
    await trpcErrorOf(
      adminCaller.admin.credits.adjust({
        direction: "debit",
        userId: user.id,
        amount: 11,
        reason: "too much",
        idempotencyKey: newKey(),
      }),
    );
    expect(await db.auditLog.count({ where: { targetUserId: user.id } })).toBe(1);
    await expect(
      db.$executeRaw`UPDATE audit_log SET reason = 'edited' WHERE target_user_id = ${user.id}::uuid`,
    ).rejects.toThrow(/append-only/);
    await expect(
      db.$executeRaw`DELETE FROM audit_log WHERE target_user_id = ${user.id}::uuid`,
    ).rejects.toThrow(/append-only/);
  });
});

describe("retrying a Stripe event", () => {
  /** A received event recorded as FAILED, as a failed delivery leaves it. */
  async function failedEvent(type: string, object: object, userId: string | null = null) {
    const id = `evt_${randomUUID().replaceAll("-", "")}`;
    const payload = { id, object: "event", type, created: 1_800_000_000, data: { object } };
    await db.$executeRaw`
      INSERT INTO stripe_events (id, type, status, error, payload, event_created_at, attempts, user_id)
      VALUES (${id}, ${type}, 'FAILED', 'Stripe API error (timeout)', ${JSON.stringify(payload)}::jsonb,
        now(), 1, ${userId}::uuid)`;
    return id;
  }

  it("records who retried it and how it went, also when it fails again", async () => {
    const admin = await createUser("ADMIN");
    const user = await createUser();
    const ignored = await failedEvent("customer.created", { id: "cus_x" });
    const failing = await failedEvent("customer.subscription.updated", { id: "sub_x" }, user.id);
    const adminCaller = callerFor(admin);
    expect((await adminCaller.admin.stripeEvents.retry({ eventId: ignored })).status).toBe(
      "IGNORED",
    );
    // Billing is not configured here, so re-reading the subscription from Stripe fails.
    expect((await adminCaller.admin.stripeEvents.retry({ eventId: failing })).status).toBe(
      "FAILED",
    );

    const { entries } = await adminCaller.admin.audit.list({
      actorId: admin.id,
      action: "stripe_event.retry",
    });
    expect(entries.map((entry) => entry.after)).toEqual([
      {
        eventId: failing,
        type: "customer.subscription.updated",
        status: "FAILED",
        error: expect.any(String),
      },
      {
        eventId: ignored,
        type: "customer.created",
        status: "IGNORED",
        error: "Events of type customer.created are not used by this platform.",
      },
    ]);
    expect(entries[0]).toMatchObject({
      actor: { id: admin.id },
      targetUser: { id: user.id },
      before: { eventId: failing, status: "FAILED", error: "Stripe API error (timeout)" },
    });
    expect(entries[1]?.targetUser).toBeNull();

    // A refused retry (the event is no longer FAILED) changes nothing and records nothing.
    const refused = await trpcErrorOf(adminCaller.admin.stripeEvents.retry({ eventId: ignored }));
    expect(refused.code).toBe("CONFLICT");
    expect(
      (await adminCaller.admin.audit.list({ actorId: admin.id, action: "stripe_event.retry" }))
        .entries,
    ).toHaveLength(2);
  });
});

describe("users", () => {
  it("finds users by the start of their email or name, or by id, case-insensitively, page by page", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const tag = randomUUID().slice(0, 8);
    const users = await Promise.all(
      ["a", "b", "c"].map((letter) =>
        db.user.create({
          data: { email: `${tag}-${letter}@example.com`, name: `Zed ${tag} ${letter}` },
        }),
      ),
    );
    const byEmail = await admin.admin.users.search({ query: tag.toUpperCase(), limit: 2 });
    expect(byEmail.users.map((user) => user.email)).toEqual([
      `${tag}-a@example.com`,
      `${tag}-b@example.com`,
    ]);
    const rest = await admin.admin.users.search({
      query: tag,
      limit: 2,
      cursor: byEmail.nextCursor,
    });
    expect(rest.users.map((user) => user.email)).toEqual([`${tag}-c@example.com`]);
    expect(rest.nextCursor).toBeNull();
    const byName = await admin.admin.users.search({ query: `zed ${tag} b` });
    expect(byName.users.map((user) => user.id)).toEqual([users[1]?.id]);
    const byId = await admin.admin.users.search({ query: users[2]?.id ?? "" });
    expect(byId.users.map((user) => user.email)).toEqual([`${tag}-c@example.com`]);
    expect((await admin.admin.users.search({ query: `${tag}%` })).users).toEqual([]);
  });

  it("shows one user's balances, grants, holds, purchases and ledger", async () => {
    const { user, caller, adminCaller } = await fundedUser(90);
    await caller.purchases.create({
      itemId: "x",
      itemName: "Thing",
      credits: 15,
      idempotencyKey: newKey(),
    });
    const overview = await adminCaller.admin.users.get({ userId: user.id });
    expect(overview.user).toMatchObject({ id: user.id, email: user.email, role: "USER" });
    expect(overview.balances.total).toBe(75);
    expect(overview.grants.map((grant) => grant.remaining)).toEqual([75]);
    expect(overview.purchases.map((purchase) => purchase.itemName)).toEqual(["Thing"]);
    expect(overview.holds).toEqual([]);
    const history = await adminCaller.admin.users.history({ userId: user.id, types: ["PURCHASE"] });
    expect(history.entries.map((entry) => entry.amount)).toEqual([-15]);
    const missing = await trpcErrorOf(adminCaller.admin.users.get({ userId: randomUUID() }));
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("promotes and demotes with an audit entry, and never demotes the last admin", async () => {
    // A database of its own, where the number of admins is known.
    await withOwnDatabase("credits_roles_test", async ({ db: scratchDb, callerAs }) => {
      const [first, second] = await Promise.all([
        scratchDb.user.create({ data: { email: "first@example.com", role: "ADMIN" } }),
        scratchDb.user.create({ data: { email: "second@example.com" } }),
      ]);
      const asFirst = callerAs({ id: first.id, email: first.email, role: "ADMIN" });
      expect(
        await asFirst.admin.users.setRole({ userId: second.id, role: "ADMIN", reason: "on call" }),
      ).toEqual({
        userId: second.id,
        role: "ADMIN",
      });
      const asSecond = callerAs({ id: second.id, email: second.email, role: "ADMIN" });
      // Both demote each other at once: one wins, the other finds itself the last admin.
      const results = await Promise.allSettled([
        asFirst.admin.users.setRole({ userId: second.id, role: "USER", reason: "rotation" }),
        asSecond.admin.users.setRole({ userId: first.id, role: "USER", reason: "rotation" }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(await scratchDb.user.count({ where: { role: "ADMIN" } })).toBe(1);
      const audit = await scratchDb.auditLog.findMany({
        where: { action: "user.role" },
        orderBy: { id: "asc" },
      });
      expect(audit.map((entry) => [entry.before, entry.after])).toEqual([
        [{ role: "USER" }, { role: "ADMIN" }],
        [{ role: "ADMIN" }, { role: "USER" }],
      ]);
    });
  });
});

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
    const stored = await db.user.create({
      data: { email: `Mixed.Case-${randomUUID()}@Example.COM` },
    });
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
