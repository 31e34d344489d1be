// Low-balance thresholds as backends (REST), users and operators (tRPC) read and set them: what
// applies, the default and whether available credits are below it; external ids resolve as on
// every route (reading an unknown one creates nothing); an operator's change is audited.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../src/rest/openapi.ts";
import { grantCredits } from "../src/service/operations.ts";
import { setDefaultLowBalanceThreshold } from "../src/service/thresholds/default.ts";
import { systemActor } from "../src/service/types.ts";
import {
  auditOf,
  callerFor,
  createUser,
  db,
  expireGrantNow,
  fundedUser,
  newKey,
  trpcErrorOf,
} from "./fixtures.ts";
import { call, tokenWith, userWithCredits } from "./rest-fixtures.ts";

const template = "/api/credits/{userId}/threshold";
const thresholdOf = (ref: string, query = "") =>
  call("GET", `/api/credits/${ref}/threshold${query}`, { template });
const setThreshold = (ref: string, body: unknown, token?: string) =>
  call("POST", `/api/credits/${ref}/threshold`, { body, template, token });

beforeAll(() => setDefaultLowBalanceThreshold(25));
afterAll(() => setDefaultLowBalanceThreshold(0));

describe("REST /api/credits/{userId}/threshold", () => {
  it("answers the default, sets a custom threshold, turns it off and goes back to the default", async () => {
    const user = await userWithCredits(40);
    expect(await thresholdOf(user.id)).toMatchObject({
      status: 200,
      body: {
        user_id: user.id,
        platform_user_id: user.id,
        app_id: "default",
        threshold: 25,
        custom: null,
        default_threshold: 25,
        available: 40,
        low: false,
      },
    });
    const raised = await setThreshold(user.id, { threshold: 50 });
    expect(raised).toMatchObject({
      status: 200,
      body: { threshold: 50, custom: 50, default_threshold: 25, available: 40, low: true },
    });
    expect((await thresholdOf(user.id)).body).toEqual(raised.body);
    const off = await setThreshold(user.id, { threshold: 0, created_by: "ops-bot" });
    expect(off.body).toMatchObject({ threshold: 0, custom: 0, low: false });
    const back = await setThreshold(user.id, { threshold: null });
    expect(back.body).toMatchObject({ threshold: 25, custom: null, low: false });
  });

  it("keeps each app's threshold apart", async () => {
    const user = await userWithCredits(10);
    await setThreshold(user.id, { app_id: "reports", threshold: 5 });
    expect((await thresholdOf(user.id, "?app_id=reports")).body).toMatchObject({
      app_id: "reports",
      custom: 5,
      available: 0,
      low: true,
    });
    expect((await thresholdOf(user.id)).body).toMatchObject({ app_id: "default", custom: null });
  });

  it("reads an unknown external id as a new account without creating it; setting one creates it", async () => {
    const externalId = `thr_${randomUUID().slice(0, 8)}`;
    expect((await thresholdOf(externalId)).body).toEqual({
      user_id: externalId,
      platform_user_id: null,
      app_id: "default",
      threshold: 25,
      custom: null,
      default_threshold: 25,
      available: 0,
      low: true,
    });
    expect(await db.user.count({ where: { externalId } })).toBe(0);
    const set = await setThreshold(externalId, { threshold: 10 });
    const customer = await db.user.findUniqueOrThrow({ where: { externalId } });
    expect(set.body).toMatchObject({
      user_id: externalId,
      platform_user_id: customer.id,
      custom: 10,
    });
    expect((await thresholdOf(customer.id)).body).toMatchObject({ custom: 10 });
  });

  it("refuses bad thresholds with the schema's messages, unknown apps and read-only tokens", async () => {
    const user = await createUser();
    for (const [threshold, message] of [
      [-1, "must be 0 (no alert) or more"],
      [1.5, "must be a whole number of credits"],
      ["ten", "must be a number of credits"],
    ] as const) {
      const refused = await setThreshold(user.id, { threshold });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.error.details)).toContain(message);
    }
    expect((await setThreshold(user.id, {})).status).toBe(400);
    expect((await setThreshold(user.id, { threshold: 5, app_id: "nope" })).status).toBe(404);
    const reader = await tokenWith(["read"]);
    expect((await setThreshold(user.id, { threshold: 5 }, reader.token)).status).toBe(403);
    expect(await db.creditAccount.count({ where: { userId: user.id } })).toBe(0);
  });

  it("is in the OpenAPI document under both methods", async () => {
    expect(Object.keys(openApiDocument().paths[template] ?? {})).toEqual(["get", "post"]);
  });
});

describe("tRPC credits.threshold and credits.setThreshold", () => {
  it("reads and sets the signed-in user's own threshold, per app", async () => {
    const { user, caller } = await fundedUser(30);
    expect(await caller.credits.threshold({})).toEqual({
      appId: "default",
      threshold: 25,
      custom: null,
      defaultThreshold: 25,
      available: 30,
      low: false,
    });
    expect(await caller.credits.setThreshold({ threshold: 100 })).toMatchObject({
      threshold: 100,
      low: true,
    });
    expect(await caller.credits.threshold({ appId: "reports" })).toMatchObject({ custom: null });
    // A user's own change is no operator action: nothing in the audit log.
    const audited = await auditOf(user.id);
    expect(audited.filter((entry) => entry.action === "credits.threshold")).toEqual([]);
    const other = callerFor(await createUser());
    expect(await other.credits.threshold({})).toMatchObject({ custom: null, available: 0 });
  });

  it("counts available credits as the balance does: a grant past its expiry is not available", async () => {
    const { user, caller } = await fundedUser(0);
    await grantCredits(db, systemActor, {
      userId: user.id,
      appId: "default",
      amount: 40,
      source: "PROMOTION",
      description: "expiring",
      expiresAt: new Date(Date.now() + 60_000),
      idempotencyKey: newKey(),
    });
    await caller.credits.setThreshold({ threshold: 10 });
    expect(await caller.credits.threshold({})).toMatchObject({ available: 40, low: false });
    const grant = await db.creditGrant.findFirstOrThrow({
      where: { account: { userId: user.id } },
      select: { id: true },
    });
    await expireGrantNow(grant.id);
    expect(await caller.credits.threshold({})).toMatchObject({ available: 0, low: true });
    expect((await caller.credits.balance()).available).toBe(0);
  });

  it("refuses a bad threshold with the shared schema's message", async () => {
    const { caller } = await fundedUser(0);
    const error = await trpcErrorOf(caller.credits.setThreshold({ threshold: -5 }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("must be 0 (no alert) or more");
  });
});

describe("tRPC admin.users.threshold and admin.users.setThreshold", () => {
  it("lets an operator read and change a user's threshold, audited with the reason", async () => {
    const { user, adminCaller } = await fundedUser(30, "reports");
    const set = await adminCaller.admin.users.setThreshold({
      userId: user.id,
      appId: "reports",
      threshold: 40,
      reason: "customer asked for an earlier warning",
    });
    expect(set).toMatchObject({ appId: "reports", custom: 40, available: 30, low: true });
    expect(await adminCaller.admin.users.threshold({ userId: user.id, appId: "reports" })).toEqual(
      set,
    );
    const audit = (await auditOf(user.id)).filter((entry) => entry.action === "credits.threshold");
    expect(audit).toEqual([
      {
        action: "credits.threshold",
        before: { appId: "reports", threshold: null },
        after: { appId: "reports", threshold: 40 },
        reason: "customer asked for an earlier warning",
      },
    ]);
  });

  it("requires a reason and answers NOT_FOUND for an unknown user", async () => {
    const { user, adminCaller } = await fundedUser(0);
    const noReason = await trpcErrorOf(
      adminCaller.admin.users.setThreshold({ userId: user.id, threshold: 5, reason: " " }),
    );
    expect(noReason.code).toBe("BAD_REQUEST");
    const unknown = await trpcErrorOf(
      adminCaller.admin.users.setThreshold({ userId: randomUUID(), threshold: 5, reason: "r" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
  });
});
