// `created_by` on every mutation of the REST API, and the audit log's rows of what service tokens
// change with no ledger entry to carry it (plans, customers, sign-in links): the token, who its
// caller said recorded it, shown by the operators' audit procedure; the database refuses a row
// without an actor.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { callerFor, createUser, db } from "./fixtures.ts";
import { call, startApi, tokenWith } from "./rest-fixtures.ts";
import { billing, deliverPending, subscribe } from "./stripe-fixtures.ts";

/** The REST API with Stripe (the fake) billing users. */
const billedApi = await startApi({ billing });
afterAll(() => billedApi.close());

/** The audit rows about a user, oldest first, with who acted. */
function tokenAuditOf(userId: string) {
  return db.auditLog.findMany({
    where: { targetUserId: userId },
    orderBy: { id: "asc" },
    select: { action: true, actorId: true, actorTokenId: true, recordedBy: true, after: true },
  });
}

describe("created_by on plan changes, customers, sign-in links and hold releases", () => {
  it("is accepted on upgrade and cancel and kept on their audit rows with the token", async () => {
    const token = await tokenWith(["read", "write"]);
    const user = await createUser();
    const upgraded = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      token: token.token,
      body: { tier: "PRO", created_by: "support:ann" },
      template: "/api/subscriptions/{userId}/upgrade",
    });
    expect(upgraded).toMatchObject({ status: 200, body: { tier: "PRO" } });
    const canceled = await call("POST", `/api/subscriptions/${user.id}/cancel`, {
      token: token.token,
      body: { at_period_end: false, created_by: "billing-job" },
      template: "/api/subscriptions/{userId}/cancel",
    });
    expect(canceled).toMatchObject({ status: 200, body: { tier: "FREE", status: "CANCELED" } });
    expect(await tokenAuditOf(user.id)).toEqual([
      expect.objectContaining({
        action: "subscription.tier",
        actorId: null,
        actorTokenId: token.id,
        recordedBy: "support:ann",
      }),
      expect.objectContaining({
        action: "subscription.cancel",
        actorId: null,
        actorTokenId: token.id,
        recordedBy: "billing-job",
      }),
    ]);
  });

  it("is accepted on customer upserts, audited when they create or change the customer", async () => {
    const token = await tokenWith(["write"]);
    const externalId = `crm-${randomUUID()}`;
    const upsert = (body: object) =>
      call("POST", "/api/customers", {
        token: token.token,
        body: { id: externalId, ...body },
        template: "/api/customers",
      });
    const created = await upsert({ name: "Ada", created_by: "crm:sync" });
    expect(created).toMatchObject({ status: 200, body: { name: "Ada" } });
    // The same call again changes nothing, so it records nothing.
    expect((await upsert({ name: "Ada", created_by: "crm:sync" })).status).toBe(200);
    expect((await upsert({ name: "Ada Lovelace" })).status).toBe(200);
    const userId = created.body.platform_user_id;
    expect(await tokenAuditOf(userId)).toEqual([
      {
        action: "customer.create",
        actorId: null,
        actorTokenId: token.id,
        recordedBy: "crm:sync",
        after: { externalId, email: null, name: "Ada" },
      },
      {
        action: "customer.update",
        actorId: null,
        actorTokenId: token.id,
        recordedBy: null,
        after: { externalId, email: null, name: "Ada Lovelace" },
      },
    ]);
  });

  it("is accepted on sign-in links and hold releases, and validated as everywhere", async () => {
    const token = await tokenWith(["read", "write"]);
    const externalId = `link-${randomUUID()}`;
    await call("POST", "/api/customers", { token: token.token, body: { id: externalId } });
    const link = await call("POST", `/api/customers/${externalId}/sign-in-link`, {
      token: token.token,
      body: { created_by: "helpdesk_3" },
      template: "/api/customers/{userId}/sign-in-link",
    });
    expect(link.status).toBe(200);
    const audit = await tokenAuditOf(link.body.platform_user_id);
    expect(audit.at(-1)).toMatchObject({
      action: "user.sign_in_link_created",
      actorTokenId: token.id,
      recordedBy: "helpdesk_3",
    });

    await call("POST", `/api/credits/${externalId}/add`, {
      token: token.token,
      body: { amount: 10, description: "funding" },
    });
    const hold = await call("POST", `/api/credits/${externalId}/holds`, {
      token: token.token,
      body: { amount: 5, ttl_seconds: 60, description: "a job", created_by: "worker-1" },
    });
    const released = await call("POST", `/api/credits/holds/${hold.body.hold_id}/release`, {
      token: token.token,
      body: { created_by: "worker-1" },
      template: "/api/credits/holds/{holdId}/release",
    });
    expect(released).toMatchObject({ status: 200, body: { status: "RELEASED", available: 10 } });

    for (const [path, template, body] of [
      [
        `/api/subscriptions/${externalId}/upgrade`,
        "/api/subscriptions/{userId}/upgrade",
        { tier: "PRO" },
      ],
      [`/api/subscriptions/${externalId}/cancel`, "/api/subscriptions/{userId}/cancel", {}],
      ["/api/customers", "/api/customers", { id: externalId }],
      [`/api/customers/${externalId}/sign-in-link`, "/api/customers/{userId}/sign-in-link", {}],
    ] as const) {
      const bad = await call("POST", path, {
        token: token.token,
        body: { ...body, created_by: "not valid!" },
        template,
      });
      expect(bad.status, path).toBe(400);
      expect(bad.body.error.details.body.created_by, path).toHaveLength(1);
    }
  });
});

describe("service tokens in the audit log", () => {
  it("records an upgrade of a live Stripe subscription, and nothing for a checkout not paid yet", async () => {
    const token = await tokenWith(["read", "write"]);
    const subscriber = await createUser();
    await subscribe(subscriber, "PRO");
    const upgraded = await call("POST", `/api/subscriptions/${subscriber.id}/upgrade`, {
      token: token.token,
      body: { tier: "PREMIUM", created_by: "sales:kim" },
      base: billedApi.url,
    });
    expect(upgraded).toMatchObject({ status: 200, body: { tier: "PREMIUM", checkout_url: null } });
    await deliverPending();
    expect(await tokenAuditOf(subscriber.id)).toEqual([
      {
        action: "subscription.tier",
        actorId: null,
        actorTokenId: token.id,
        recordedBy: "sales:kim",
        after: expect.objectContaining({ tier: "PREMIUM", managedBy: "stripe" }),
      },
    ]);

    const newcomer = await createUser();
    const checkout = await call("POST", `/api/subscriptions/${newcomer.id}/upgrade`, {
      token: token.token,
      body: { tier: "PRO", created_by: "sales:kim" },
      base: billedApi.url,
    });
    expect(checkout.body.checkout_url).toEqual(expect.any(String));
    expect(await tokenAuditOf(newcomer.id)).toEqual([]);
  });

  it("shows the token's name and who recorded it, and filters by token and by operator", async () => {
    const token = await tokenWith(["read", "write"]);
    const admin = await createUser("ADMIN");
    const user = await createUser();
    await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      token: token.token,
      body: { tier: "PRO", created_by: "support:bo" },
    });
    const operator = callerFor(admin).admin;
    await operator.subscriptions.cancel({ userId: user.id, atPeriodEnd: true, reason: "asked" });

    const { entries } = await operator.audit.list({ targetUserId: user.id });
    expect(
      entries.map((entry) => [entry.action, entry.actor, entry.actorToken, entry.recordedBy]),
    ).toEqual([
      ["subscription.cancel_at_period_end", { id: admin.id, email: admin.email }, null, null],
      ["subscription.tier", null, { id: token.id, name: token.name }, "support:bo"],
    ]);
    const byToken = await operator.audit.list({ actorTokenId: token.id });
    expect(byToken.entries.map((entry) => entry.action)).toEqual(["subscription.tier"]);
    const byOperator = await operator.audit.list({ actorEmail: admin.email });
    expect(byOperator.entries.map((entry) => entry.action)).toEqual([
      "subscription.cancel_at_period_end",
    ]);
  });

  it("refuses a row with no actor, or with both an operator and a token", async () => {
    const token = await tokenWith(["read"]);
    const admin = await createUser("ADMIN");
    await expect(
      db.$executeRaw`INSERT INTO audit_log (action) VALUES ('nobody.acted')`,
    ).rejects.toThrow(/audit_log_one_actor/);
    await expect(
      db.$executeRaw`INSERT INTO audit_log (actor_id, actor_token_id, action)
        VALUES (${admin.id}::uuid, ${token.id}::uuid, 'both.acted')`,
    ).rejects.toThrow(/audit_log_one_actor/);
  });
});
