// Logs and metrics of what the apps serve: every line of a REST request, a webhook delivery and a
// tRPC call is JSON with the request's id, and none carries a token, a stack trace or SQL, even
// when the request fails inside the database; /metrics answers only METRICS_TOKEN when it is set.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// Request lines are at info; `pnpm test` runs with LOG_LEVEL=warn. Set before the logger loads,
// and put back for the test files that run after this one in the same worker.
const { levelBefore } = vi.hoisted(() => {
  const levelBefore = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "debug";
  return { levelBefore };
});
afterAll(() => {
  if (levelBefore === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = levelBefore;
});

import type { Database } from "@credits/db";
import { createTrpcRouteHandler } from "../src/next/handlers.ts";
import { metricsEndpoint } from "../src/observability/metrics.ts";
import { serviceApiConfigFrom } from "../src/rest/config.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { billingConfigFrom } from "../src/stripe/config.ts";
import { handleStripeWebhookRequest } from "../src/stripe/webhook.ts";
import { createUser, db, unconfiguredBilling } from "./fixtures.ts";
import { api, bootstrapToken, tokenWith } from "./rest-fixtures.ts";

/** What a database error from Prisma looks like: SQL and values in the message, a stack. */
const sqlText = "SELECT balance FROM credit_accounts WHERE user_id = $1 FOR UPDATE";
function databaseFailure(): Error {
  const error = new Error(
    `Invalid \`prisma.$queryRaw()\` invocation: Raw query failed. Code: \`22003\`. Message: \`value out of range\` in ${sqlText}`,
  );
  error.name = "PrismaClientKnownRequestError";
  return error;
}

/** The real client, except that every transaction and raw query fails as above. */
const failingDb = new Proxy(db, {
  get(target, property, receiver) {
    if (property === "$transaction" || property === "$queryRaw" || property === "$executeRaw") {
      return () => Promise.reject(databaseFailure());
    }
    return Reflect.get(target, property, receiver);
  },
}) as Database;

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  for (const method of ["log", "error", "warn", "info"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

/** Every captured line, parsed; a line that is not one JSON object fails the test. */
function logRecords(): Record<string, unknown>[] {
  return lines.map((line) => {
    const parsed = JSON.parse(line);
    expect(parsed, line).toEqual(expect.objectContaining({ level: expect.any(String) }));
    return parsed;
  });
}

function expectNothingSecret(secrets: string[]) {
  const text = lines.join("\n");
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\n\s+at |\bat .+\.(ts|js):\d+/);
  expect(text).not.toMatch(/SELECT |INSERT |UPDATE .+ SET|credit_accounts|prisma\.\$/i);
}

function restRequest(path: string, init: { token: string; body?: unknown; requestId?: string }) {
  return new Request(`${api.url}${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${init.token}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.requestId ? { "x-request-id": init.requestId } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe("logs", () => {
  it("write a REST request's lines with its id, never its token, a stack trace or SQL, even on a database failure", async () => {
    const user = await createUser();
    const stored = await tokenWith(["read", "write"]);
    const failing = await handleRestRequest(
      restRequest(`/api/credits/${user.id}/deduct`, {
        token: bootstrapToken,
        body: { amount: 1, description: "fails in the database" },
      }),
      { ...api.deps, db: failingDb },
    );
    expect(failing.status).toBe(500);
    const answer = await failing.text();
    expect(answer).not.toContain("credit_accounts");
    const requestId = failing.headers.get("x-request-id");
    const records = logRecords();
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) expect(record.requestId).toBe(requestId);
    expect(records).toContainEqual(
      expect.objectContaining({ level: "error", msg: "request failed" }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        msg: "request",
        status: 500,
        route: "/api/credits/{userId}/deduct",
        method: "POST",
      }),
    );
    // Refusals too: the quotas of a user nobody has, a forged token, a bad body.
    const refused = [
      restRequest(`/api/subscriptions/${randomUUID()}/quotas`, {
        token: stored.token,
        requestId: "trace-404",
      }),
      restRequest(`/api/credits/${user.id}/balance`, { token: `${stored.token}x` }),
      restRequest(`/api/credits/${user.id}/add`, { token: stored.token, body: { amount: "x" } }),
    ];
    for (const request of refused) {
      expect((await handleRestRequest(request, api.deps)).status).toBeGreaterThanOrEqual(400);
    }
    expect(logRecords()).toContainEqual(
      expect.objectContaining({ msg: "request", status: 404, requestId: "trace-404" }),
    );
    expectNothingSecret([bootstrapToken, stored.token, stored.token.slice(4)]);
  });

  it("write a webhook delivery's lines with a request id, also given in x-request-id", async () => {
    const secret = "whsec_observability_test";
    const config = billingConfigFrom({ STRIPE_WEBHOOK_SECRET: secret });
    const event = {
      id: `evt_log_${randomUUID().replaceAll("-", "")}`,
      object: "event",
      type: "customer.created",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "cus_log", object: "customer" } },
    };
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    const response = await handleStripeWebhookRequest(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": signature, "x-request-id": "stripe-delivery-1" },
        body: payload,
      }),
      db,
      config,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("stripe-delivery-1");
    const records = logRecords();
    expect(records).toContainEqual(
      expect.objectContaining({ msg: "stripe event", eventId: event.id, status: "IGNORED" }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ msg: "request", route: "/api/webhooks/stripe", status: 200 }),
    );
    for (const record of records) expect(record.requestId).toBe("stripe-delivery-1");

    // A failure inside the database is logged in words, without its SQL.
    lines = [];
    const failed = await handleStripeWebhookRequest(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: {
          "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      }),
      failingDb,
      config,
    );
    expect(failed.status).toBe(500);
    const failedId = failed.headers.get("x-request-id");
    expect(failedId).toMatch(/^[\w-]{36}$/);
    for (const record of logRecords()) expect(record.requestId).toBe(failedId);
    expectNothingSecret([secret, signature]);
  });

  it("write a failing tRPC procedure through the structured logger, without its SQL", async () => {
    const user = await createUser();
    const handler = createTrpcRouteHandler(async () => ({
      db: failingDb,
      session: { user },
      billing: unconfiguredBilling,
      origin: "http://localhost",
    }));
    const response = await handler(
      new Request(
        "http://localhost/api/trpc/credits.balanceAt?input=%7B%22json%22%3A%7B%22at%22%3A%222026-01-01%22%7D%7D",
        {
          headers: { "x-request-id": "trpc-call-1" },
        },
      ),
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("credit_accounts");
    const records = logRecords();
    expect(records).toContainEqual(
      expect.objectContaining({
        level: "error",
        msg: "trpc procedure failed",
        path: "credits.balanceAt",
        requestId: "trpc-call-1",
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ msg: "request", route: "/api/trpc", status: 500 }),
    );
    expectNothingSecret([]);
  });
});

// Which families /metrics holds after traffic is checked against the running app, where the pool
// and the routes are the real ones: apps/web/e2e/api.spec.ts.
describe("metrics", () => {
  it("answer only the metrics token when METRICS_TOKEN is set", async () => {
    const token = "metrics-token-0123456789";
    const ask = (authorization?: string) =>
      metricsEndpoint(
        new Request("http://localhost/metrics", {
          headers: authorization ? { authorization } : {},
        }),
        db,
        token,
      );
    for (const refused of [
      undefined,
      "Bearer wrong-token-0123456789",
      token,
      `Bearer ${bootstrapToken}`,
    ]) {
      const response = await ask(refused);
      expect(response.status, String(refused)).toBe(401);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    const allowed = await ask(`Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("credits_http_requests_total");
    // Read from the environment once, validated: a short token stops the app at startup.
    expect(serviceApiConfigFrom({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(serviceApiConfigFrom({}).metricsToken).toBeUndefined();
    expect(() => serviceApiConfigFrom({ METRICS_TOKEN: "short" })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters/,
    );
  });
});
