// Other backends' own user ids over REST: numeric and string ids work everywhere a user is named,
// crediting an unknown id creates its customer exactly once however many requests race, reading
// one creates nothing, and a UUID-shaped id names the platform's user before anyone's external id.
import { randomInt, randomUUID } from "node:crypto";
import { signUp } from "@credits/auth";
import { describe, expect, it } from "vitest";
import { createUser, db } from "./fixtures.ts";
import { call, userWithCredits } from "./rest-fixtures.ts";

const customersWithExternalId = (externalId: string) =>
  db.user.findMany({ where: { externalId }, select: { id: true } });

describe("the integrator's own user ids", () => {
  it("adds, deducts, reads and lists for a numeric id and a string id", async () => {
    for (const externalId of [String(randomInt(1, 2 ** 31)), `user_${randomUUID().slice(0, 8)}`]) {
      const added = await call("POST", `/api/credits/${externalId}/add`, {
        body: { amount: 30, description: "welcome credits" },
        template: "/api/credits/{userId}/add",
      });
      expect(added).toMatchObject({ status: 200, body: { success: true, balance: 30 } });
      const [customer] = await customersWithExternalId(externalId);
      expect(customer).toBeDefined();

      const deducted = await call("POST", `/api/credits/${externalId}/deduct`, {
        body: { amount: 12, description: "a report" },
        template: "/api/credits/{userId}/deduct",
      });
      expect(deducted).toMatchObject({ status: 200, body: { balance: 18 } });
      const short = await call("POST", `/api/credits/${externalId}/deduct`, {
        body: { amount: 100, description: "a big report" },
        template: "/api/credits/{userId}/deduct",
      });
      expect(short).toMatchObject({ status: 402, body: { error: { details: { available: 18 } } } });

      const balance = await call("GET", `/api/credits/${externalId}/balance`, {
        template: "/api/credits/{userId}/balance",
      });
      expect(balance.body).toMatchObject({
        user_id: externalId,
        platform_user_id: customer?.id,
        balance: 18,
      });
      // The platform id names the same customer.
      const byPlatformId = await call("GET", `/api/credits/${customer?.id}/balance`, {
        template: "/api/credits/{userId}/balance",
      });
      expect(byPlatformId.body).toMatchObject({ platform_user_id: customer?.id, balance: 18 });
      const history = await call("GET", `/api/credits/${externalId}/history`, {
        template: "/api/credits/{userId}/history",
      });
      expect(history.body.transactions.map((entry: { amount: number }) => entry.amount)).toEqual([
        -12, 30,
      ]);
    }
  });

  it("creates the customer of 20 simultaneous first adds exactly once, crediting all 20", async () => {
    const externalId = `race-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call("POST", `/api/credits/${externalId}/add`, {
          body: { amount: 5, description: `first add ${index}` },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(await customersWithExternalId(externalId)).toHaveLength(1);
    const balance = await call("GET", `/api/credits/${externalId}/balance`);
    expect(balance.body.balance).toBe(100);
  });

  it("transfers to an id nobody has yet, creating that customer once", async () => {
    const sender = await userWithCredits(50);
    const recipient = `recipient:${randomUUID()}@example`;
    const [first, second] = await Promise.all(
      [10, 15].map((amount) =>
        call("POST", `/api/credits/${sender.id}/transfer`, {
          body: { to_user_id: recipient, amount },
          template: "/api/credits/{userId}/transfer",
        }),
      ),
    );
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect(await customersWithExternalId(recipient)).toHaveLength(1);
    const balance = await call("GET", `/api/credits/${recipient}/balance`);
    expect(balance.body.balance).toBe(25);
  });

  it("reads the plan of an unknown id as the free plan, creating nothing", async () => {
    const externalId = `nobody-${randomUUID()}`;
    const plan = await call("GET", `/api/subscriptions/${externalId}`, {
      template: "/api/subscriptions/{userId}",
    });
    expect(plan).toMatchObject({
      status: 200,
      body: { user_id: externalId, platform_user_id: null, tier: "FREE" },
    });
    const quotas = await call("GET", `/api/subscriptions/${externalId}/quotas`, {
      template: "/api/subscriptions/{userId}/quotas",
    });
    expect(quotas.status).toBe(404);
    expect(await customersWithExternalId(externalId)).toHaveLength(0);
  });

  it("takes a UUID-shaped id as the platform's user first, else as an external id", async () => {
    const platformUser = await createUser();
    const added = await call("POST", `/api/credits/${platformUser.id}/add`, {
      body: { amount: 7, description: "to the platform user" },
    });
    expect(added.status).toBe(200);
    expect(await customersWithExternalId(platformUser.id)).toHaveLength(0);

    const theirUuid = randomUUID();
    const toExternal = await call("POST", `/api/credits/${theirUuid}/add`, {
      body: { amount: 9, description: "to the integrator's UUID" },
    });
    expect(toExternal.status).toBe(200);
    const [customer] = await customersWithExternalId(theirUuid);
    expect(customer?.id).not.toBe(theirUuid);
    const balance = await call("GET", `/api/credits/${theirUuid}/balance`);
    expect(balance.body).toMatchObject({ platform_user_id: customer?.id, balance: 9 });
  });

  it("refuses ids outside the documented alphabet or past 128 characters, creating nothing", async () => {
    const bads = ["has%20space", "semi%3Bcolon", "x".repeat(129), "%C3%A9t%C3%A9"];
    for (const bad of bads) {
      const answer = await call("POST", `/api/credits/${bad}/add`, {
        body: { amount: 1, description: "never" },
        template: "/api/credits/{userId}/add",
      });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.details.path.userId).toHaveLength(1);
    }
    const decoded = bads.map((bad) => decodeURIComponent(bad));
    expect(await db.user.count({ where: { externalId: { in: decoded } } })).toBe(0);
  });
});

describe("POST and GET /api/customers", () => {
  it("creates a customer by the backend's id, idempotently, and reads it by either id", async () => {
    const externalId = `crm-${randomUUID()}`;
    const email = `customer-${randomUUID()}@example.com`;
    const body = { id: externalId, email, name: "Grace" };
    const created = await call("POST", "/api/customers", {
      body,
      template: "/api/customers",
    });
    expect(created).toMatchObject({
      status: 200,
      body: { user_id: externalId, external_id: externalId, email, name: "Grace" },
    });
    const again = await call("POST", "/api/customers", { body, template: "/api/customers" });
    expect(again.body).toEqual(created.body);
    expect(await customersWithExternalId(externalId)).toHaveLength(1);

    const renamed = await call("POST", "/api/customers", {
      body: { id: externalId, name: "Grace H." },
      template: "/api/customers",
    });
    expect(renamed.body).toMatchObject({ email, name: "Grace H." });
    const byPlatformId = await call("GET", `/api/customers/${created.body.platform_user_id}`, {
      template: "/api/customers/{userId}",
    });
    expect(byPlatformId.body).toMatchObject({ external_id: externalId, name: "Grace H." });
    const unknown = await call("GET", `/api/customers/nobody-${randomUUID()}`, {
      template: "/api/customers/{userId}",
    });
    expect(unknown.status).toBe(404);
  });

  it("never moves a customer's email, refuses another user's, and a password sign-up cannot take it over", async () => {
    const externalId = `crm-${randomUUID()}`;
    const email = `owned-${randomUUID()}@example.com`;
    await call("POST", "/api/customers", { body: { id: externalId, email } });
    const moved = await call("POST", "/api/customers", {
      body: { id: externalId, email: `other-${randomUUID()}@example.com` },
      template: "/api/customers",
    });
    expect(moved).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    const someoneElse = await createUser();
    const taken = await call("POST", "/api/customers", {
      body: { id: `crm-${randomUUID()}`, email: someoneElse.email },
      template: "/api/customers",
    });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });

    await call("POST", `/api/credits/${externalId}/add`, {
      body: { amount: 40, description: "the customer's credits" },
    });
    await expect(
      signUp(db, { email, name: "Mallory", password: "a long enough password" }),
    ).rejects.toThrow("already exists");
    const balance = await call("GET", `/api/credits/${externalId}/balance`);
    expect(balance.body.balance).toBe(40);
  });
});

describe("created_by", () => {
  it("is kept on entries and purchases, next to the token that made the call", async () => {
    const externalId = `by-${randomUUID()}`;
    await call("POST", `/api/credits/${externalId}/add`, {
      body: { amount: 50, description: "signup bonus", created_by: "crm:onboarding" },
      template: "/api/credits/{userId}/add",
    });
    await call("POST", `/api/credits/${externalId}/purchases`, {
      body: { item_id: "r-1", item_name: "Report", credits: 20, created_by: "analyst_7" },
      template: "/api/credits/{userId}/purchases",
    });
    await call("POST", `/api/credits/${externalId}/deduct`, {
      body: { amount: 5, description: "no author given" },
    });
    const history = await call("GET", `/api/credits/${externalId}/history`, {
      template: "/api/credits/{userId}/history",
    });
    expect(
      history.body.transactions.map((entry: { type: string; created_by: string | null }) => [
        entry.type,
        entry.created_by,
      ]),
    ).toEqual([
      ["SPEND", null],
      ["PURCHASE", "analyst_7"],
      ["GRANT", "crm:onboarding"],
    ]);
    expect(history.body.transactions[0].actor).toEqual({ type: "SERVICE", id: "env" });
    const purchases = await call("GET", `/api/credits/${externalId}/purchases`, {
      template: "/api/credits/{userId}/purchases",
    });
    expect(purchases.body.purchases[0]).toMatchObject({
      created_by: "analyst_7",
      actor: { type: "SERVICE", id: "env" },
    });
  });

  it("is part of the request an idempotency key stands for, and must be a valid id", async () => {
    const externalId = `by-${randomUUID()}`;
    const key = randomUUID();
    const first = await call("POST", `/api/credits/${externalId}/add`, {
      body: { amount: 5, description: "once", created_by: "alice" },
      idempotencyKey: key,
    });
    expect(first.status).toBe(200);
    const other = await call("POST", `/api/credits/${externalId}/add`, {
      body: { amount: 5, description: "once", created_by: "bob" },
      idempotencyKey: key,
    });
    expect(other).toMatchObject({ status: 409, body: { error: { code: "idempotency_conflict" } } });
    const bad = await call("POST", `/api/credits/${externalId}/add`, {
      body: { amount: 5, description: "x", created_by: "not valid!" },
      template: "/api/credits/{userId}/add",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.body.created_by).toHaveLength(1);
  });
});
