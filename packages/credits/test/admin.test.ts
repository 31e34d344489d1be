// Operators' tools: the audit log of every admin action, retrying failed Stripe events, and
// finding and changing users.
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
    expect(entries.map((entry) => [entry.action, entry.reason, entry.actor?.id])).toEqual([
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

  it("finds another backend's customer by its external id and shows it", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const externalId = `crm_${randomUUID().slice(0, 8)}`;
    const customer = await db.user.create({ data: { externalId }, select: { id: true } });
    const found = await admin.admin.users.search({ query: externalId });
    expect(found.users).toEqual([
      expect.objectContaining({ id: customer.id, email: null, externalId }),
    ]);
    const overview = await admin.admin.users.get({ userId: customer.id });
    expect(overview.user).toMatchObject({ email: null, externalId });
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
