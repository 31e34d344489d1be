// A database that cannot be reached, as while PostgreSQL restarts: every interface answers 503 with
// Retry-After (REST, tRPC, the Stripe webhook, so Stripe retries), the log says what happened by its
// code and without SQL, nothing is half done, and a retry under the same idempotency key applies
// exactly once.
import { randomUUID } from "node:crypto";
import { DatabaseUnavailableError } from "@credits/db";
import pg from "pg";
import Stripe from "stripe";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTrpcRouteHandler } from "../src/next/handlers.ts";
import { getBalances } from "../src/service/queries.ts";
import { billingConfigFrom } from "../src/stripe/config.ts";
import { handleStripeWebhookRequest } from "../src/stripe/webhook.ts";
import { startDatabaseRelay } from "./database-relay.ts";
import { createUser, db, fundedUser, newKey, unconfiguredBilling } from "./fixtures.ts";
import { bootstrapToken, startApi } from "./rest-fixtures.ts";

const databaseUrl = process.env.DATABASE_URL ?? "";
const relay = await startDatabaseRelay(databaseUrl);
const api = await startApi({ db: relay.db });
afterAll(async () => {
  await api.close();
  await relay.close();
});

let errorLines: string[] = [];
beforeEach(() => {
  errorLines = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errorLines.push(args.map(String).join(" "));
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await relay.restore().catch(() => {});
});

/** What a dropped or refused connection is logged as: Prisma's, the driver's or Postgres's code. */
const lostOrRefused = /^(P1001|DatabaseNotReachable|ConnectionClosed|ConnectionLost|57P01)$/;

/** The log says that the database was unavailable, with its code, and never any SQL. */
function expectLoggedUnavailable(code = lostOrRefused) {
  const records = errorLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(records).toContainEqual(
    expect.objectContaining({ msg: "database unavailable", code: expect.stringMatching(code) }),
  );
  for (const line of errorLines) expect(line).not.toMatch(/SELECT|INSERT|UPDATE|prisma\./i);
}

function deduct(userId: string, key: string, amount = 10) {
  return fetch(`${api.url}/api/credits/${userId}/deduct`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${bootstrapToken}`,
      "content-type": "application/json",
      "idempotency-key": key,
    },
    body: JSON.stringify({ amount, description: "while the database restarts" }),
  });
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("2");
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({
    error: {
      code: "service_unavailable",
      message: "The service cannot reach its database right now; retry in 2 seconds.",
    },
  });
}

const available = async (userId: string) => (await getBalances(db, userId)).available;

describe("the REST API without its database", () => {
  it("answers a deduct 503 while connections are refused, and the retry applies it once", async () => {
    const { user } = await fundedUser(100);
    const key = newKey();
    await relay.cut();
    await expectUnavailable(await deduct(user.id, key));
    expectLoggedUnavailable();
    expect(await available(user.id)).toBe(100);

    await relay.restore();
    const applied = await deduct(user.id, key);
    expect(applied.status).toBe(200);
    const replayed = await deduct(user.id, key);
    expect(await replayed.json()).toEqual(await applied.json());
    expect(await available(user.id)).toBe(90);
  });

  it("answers 503 when the connection is lost under a running deduct, and the retry applies it once", async () => {
    const { user } = await fundedUser(100);
    // The deduct waits for the account's row lock, held here, so its connection can be ended
    // while it runs (only the relay's own connections, by their application name).
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM credit_accounts WHERE user_id = $1 FOR UPDATE", [user.id]);
      const key = newKey();
      const pending = deduct(user.id, key);
      await expect
        .poll(
          async () =>
            (
              await locker.query(
                "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                [relay.applicationName],
              )
            ).rows[0].waiting,
          { timeout: 10_000 },
        )
        .toBe(1);
      await locker.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [relay.applicationName],
      );
      await expectUnavailable(await pending);
      expectLoggedUnavailable(/^(57P01|ConnectionLost|ConnectionClosed)$/);
      await locker.query("ROLLBACK");

      expect((await deduct(user.id, key)).status).toBe(200);
      expect((await deduct(user.id, key)).status).toBe(200);
      expect(await available(user.id)).toBe(90);
    } finally {
      await locker.end();
    }
  });
});

describe("tRPC without its database", () => {
  it("answers a procedure SERVICE_UNAVAILABLE (503) with Retry-After", async () => {
    const user = await createUser();
    const handler = createTrpcRouteHandler(async () => ({
      db: relay.db,
      session: { user },
      billing: unconfiguredBilling,
      origin: "http://localhost",
    }));
    await relay.cut();
    const response = await handler(new Request("http://localhost/api/trpc/credits.balance"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    const body = await response.json();
    expect(body.error.json.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.json.message).toBe(
      "The service cannot reach its database right now; retry in 2 seconds.",
    );
    expectLoggedUnavailable();
  });

  it("answers 503, not 500 or a signed-out caller, when the session cannot be read", async () => {
    const handler = createTrpcRouteHandler(async () => {
      throw new DatabaseUnavailableError("P1001");
    });
    const response = await handler(new Request("http://localhost/api/trpc/credits.balance"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect((await response.json()).error.json.data.code).toBe("SERVICE_UNAVAILABLE");
  });
});

describe("the Stripe webhook without its database", () => {
  const secret = "whsec_database_unavailable";
  const config = billingConfigFrom({ STRIPE_WEBHOOK_SECRET: secret });
  const delivery = (payload: string) =>
    handleStripeWebhookRequest(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: {
          "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      }),
      relay.db,
      config,
    );

  it("answers 503 with Retry-After and records nothing, so Stripe's retry is applied", async () => {
    const event = {
      id: `evt_unavailable_${randomUUID().replaceAll("-", "")}`,
      object: "event",
      type: "customer.created",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "cus_unavailable", object: "customer" } },
    };
    const payload = JSON.stringify(event);
    await relay.cut();
    const refused = await delivery(payload);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expectLoggedUnavailable();

    await relay.restore();
    expect(await db.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    const retried = await delivery(payload);
    expect(retried.status).toBe(200);
    expect(await db.stripeEvent.findUnique({ where: { id: event.id } })).toMatchObject({
      status: "IGNORED",
      attempts: 1,
    });
  });
});
