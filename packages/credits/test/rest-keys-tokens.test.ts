// The REST API's idempotency keys, service tokens (scopes, revocation, the admin screens'
// procedures) and error answers, each checked against the OpenAPI document.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { revokeServiceToken } from "../src/service/tokens.ts";
import { callerFor, createUser, db, entryCount, trpcErrorOf } from "./fixtures.ts";
import { call, expectUnknownEndpoint, tokenWith, userWithCredits } from "./rest-fixtures.ts";

const _unknownUser = "00000000-0000-4000-8000-000000000000";

describe("idempotency", () => {
  it("replays the first response for the same key and body, and refuses another body with 409", async () => {
    const user = await userWithCredits(100);
    const key = randomUUID();
    const request = { body: { amount: 10, description: "once" }, idempotencyKey: key };
    const first = await call("POST", `/api/credits/${user.id}/deduct`, request);
    const entries = await entryCount(user.id);
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", `/api/credits/${user.id}/deduct`, request)),
    );
    for (const replay of replays) expect(replay).toMatchObject({ status: 200, body: first.body });
    expect(await entryCount(user.id)).toBe(entries);
    const conflict = await call("POST", `/api/credits/${user.id}/deduct`, {
      body: { amount: 11, description: "once" },
      idempotencyKey: key,
      template: "/api/credits/{userId}/deduct",
    });
    expect(conflict).toMatchObject({
      status: 409,
      body: { error: { code: "idempotency_conflict" } },
    });
    // Without a key each request runs once.
    await call("POST", `/api/credits/${user.id}/deduct`, { body: { amount: 1, description: "a" } });
    await call("POST", `/api/credits/${user.id}/deduct`, { body: { amount: 1, description: "a" } });
    expect(await entryCount(user.id)).toBe(entries + 2);
  });

  it("replays a subscription change stored by the REST layer", async () => {
    const user = await createUser();
    const key = randomUUID();
    const first = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      body: { tier: "PREMIUM" },
      idempotencyKey: key,
    });
    const replay = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      body: { tier: "PREMIUM" },
      idempotencyKey: key,
    });
    expect(replay).toMatchObject({ status: 200, body: first.body });
    const conflict = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      body: { tier: "PRO" },
      idempotencyKey: key,
    });
    expect(conflict.status).toBe(409);
    const badKey = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      body: { tier: "PRO" },
      idempotencyKey: "short",
    });
    expect(badKey.status).toBe(400);
  });
});

describe("tokens", () => {
  it("refuses a missing or unknown token with 401 and a missing scope with 403", async () => {
    const user = await createUser();
    const template = "/api/credits/{userId}/balance";
    const missing = await call("GET", `/api/credits/${user.id}/balance`, { token: null, template });
    expect(missing).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    const unknown = await call("GET", `/api/credits/${user.id}/balance`, {
      token: "cst_not-a-real-token",
      template,
    });
    expect(unknown.status).toBe(401);
    const reader = await tokenWith(["read"]);
    expect(
      (await call("GET", `/api/credits/${user.id}/balance`, { token: reader.token })).status,
    ).toBe(200);
    const write = await call("POST", `/api/credits/${user.id}/add`, {
      token: reader.token,
      body: { amount: 1, description: "x" },
      template: "/api/credits/{userId}/add",
    });
    expect(write).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    expect(await entryCount(user.id)).toBe(0);
  });

  it("stops accepting a revoked token and records when a token was last used", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const writer = await tokenWith(["read", "write"]);
    const add = () =>
      call("POST", `/api/credits/${user.id}/add`, {
        token: writer.token,
        body: { amount: 1, description: "x" },
      });
    expect((await add()).status).toBe(200);
    await expect
      .poll(
        async () =>
          (await db.serviceToken.findUniqueOrThrow({ where: { id: writer.id } })).lastUsedAt,
      )
      .not.toBeNull();
    await revokeServiceToken(db, { type: "ADMIN", id: admin.id }, writer.id);
    expect((await add()).status).toBe(401);
    const history = await call("GET", `/api/credits/${user.id}/history`, {});
    expect(history.body.transactions[0].actor).toEqual({ type: "SERVICE", id: writer.id });
  });
});

describe("token management", () => {
  it("lets only admins list, create (shown once) and revoke tokens, with audit entries", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    for (const caller of [callerFor(null), callerFor(user)]) {
      for (const attempt of [
        () => caller.admin.tokens.list(),
        () => caller.admin.tokens.create({ name: "x", scopes: ["read"] }),
        () => caller.admin.tokens.revoke({ tokenId: randomUUID() }),
      ]) {
        expect(["UNAUTHORIZED", "FORBIDDEN"]).toContain((await trpcErrorOf(attempt())).code);
      }
    }
    const operator = callerFor(admin).admin.tokens;
    const created = await operator.create({ name: "reports worker", scopes: ["read", "write"] });
    expect(created.token).toMatch(/^cst_[\w-]{40,}$/);
    const listed = (await operator.list()).find((token) => token.id === created.id);
    expect(listed).toMatchObject({
      name: "reports worker",
      scopes: ["read", "write"],
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(
      (await call("GET", `/api/credits/${user.id}/balance`, { token: created.token })).status,
    ).toBe(200);
    await operator.revoke({ tokenId: created.id });
    expect(
      (await call("GET", `/api/credits/${user.id}/balance`, { token: created.token })).status,
    ).toBe(401);
    expect((await trpcErrorOf(operator.revoke({ tokenId: created.id }))).code).toBe("CONFLICT");
    const audit = await db.auditLog.findMany({
      where: { actorId: admin.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual(["token.create", "token.revoke"]);
    const invalid = await trpcErrorOf(operator.create({ name: "", scopes: [] }));
    expect(invalid.code).toBe("BAD_REQUEST");
    const unknownScope = await trpcErrorOf(
      operator.create({ name: "x", scopes: ["admin" as "read"] }),
    );
    expect(unknownScope.message).toMatch(/must be read, write or webhooks/);
    // The webhooks scope on its own, as the admin form offers it, stored as chosen.
    const hooks = await operator.create({ name: "hooks manager", scopes: ["webhooks"] });
    expect((await operator.list()).find((token) => token.id === hooks.id)?.scopes).toEqual([
      "webhooks",
    ]);
  });
});

describe("errors", () => {
  it("answers unknown paths, wrong methods, bad JSON and wrong types in the one error shape", async () => {
    const user = await createUser();
    const notFound = await call("GET", "/api/credits/nothing/here/at/all");
    expect(notFound).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expectUnknownEndpoint("/api/credits/nothing/here/at/all", notFound.status, notFound.body);
    const method = await call("DELETE", `/api/credits/${user.id}/balance`, {
      template: "/api/credits/{userId}/balance",
    });
    expect(method).toMatchObject({ status: 405, body: { error: { code: "method_not_allowed" } } });
    expect(method.headers.get("allow")).toBe("GET");
    const both = await call("PUT", `/api/credits/${user.id}/purchases`, {
      template: "/api/credits/{userId}/purchases",
    });
    expect(both.headers.get("allow")).toBe("POST, GET");
    const badJson = await call("POST", `/api/credits/${user.id}/add`, {
      rawBody: "{amount: 1",
      headers: { "content-type": "application/json" },
      template: "/api/credits/{userId}/add",
    });
    expect(badJson).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });
    const wrongTypes = await call("POST", `/api/credits/${user.id}/add`, {
      body: { amount: "ten", description: "" },
      template: "/api/credits/{userId}/add",
    });
    expect(wrongTypes.status).toBe(400);
    expect(Object.keys(wrongTypes.body.error.details.body)).toEqual(["amount", "description"]);
    const badId = await call("GET", "/api/credits/not%20an%20id/balance", {
      template: "/api/credits/{userId}/balance",
    });
    expect(badId.body.error.details.path.userId).toEqual([
      "must be a user id: this platform's user UUID or your own id for the user (1-128 letters, digits and . _ : @ -)",
    ]);
    const huge = await call("POST", `/api/credits/${user.id}/add`, {
      rawBody: JSON.stringify({ amount: 1, description: "x".repeat(70_000) }),
      headers: { "content-type": "application/json" },
      template: "/api/credits/{userId}/add",
    });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const form = await call("POST", `/api/credits/${user.id}/add`, {
      rawBody: "amount=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      template: "/api/credits/{userId}/add",
    });
    expect(form).toMatchObject({
      status: 415,
      body: { error: { code: "unsupported_media_type" } },
    });
    expect(await entryCount(user.id)).toBe(0);
    expect(notFound.headers.get("x-request-id")).toMatch(/[\w-]{8,}/);
    const traced = await call("GET", `/api/credits/${user.id}/balance`, {
      headers: { "x-request-id": "trace-123" },
    });
    expect(traced.headers.get("x-request-id")).toBe("trace-123");
  });
});
