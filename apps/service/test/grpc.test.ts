// The gRPC CreditService of apps/service through an independent client (@grpc/grpc-js loading the
// same .proto): every RPC, the same ids as REST, auth and scopes, idempotency, the status codes,
// and a stream of 10,000 ledger entries read page by page.
//
// One file past 300 lines on purpose: every case talks to the one service process started for the
// file (it takes seconds to start), each RPC in the order a backend meets them.
import { createHash, randomInt, randomUUID } from "node:crypto";
import { createDatabaseClient, type Database } from "@credits/db";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CreditServiceClient,
  call,
  collect,
  creditServiceClient,
  metadata,
} from "./grpc-client.ts";
import { type RunningService, startService } from "./service-process.ts";

const token = `test-service-token-${randomUUID()}`;
const readOnlyToken = `cst_${randomUUID().replaceAll("-", "")}`;
/** Low, so the limit test needs few calls; every other test uses users of its own. */
const userLimit = 20;
let service: RunningService;
let client: CreditServiceClient;
let db: Database;

beforeAll(async () => {
  db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
  await db.$executeRaw`
    INSERT INTO service_tokens (id, name, token_hash, prefix, scopes)
    VALUES (gen_random_uuid(), 'grpc test read-only', ${createHash("sha256").update(readOnlyToken).digest("hex")},
      ${readOnlyToken.slice(0, 10)}, ARRAY['read'])`;
  service = await startService({
    CREDITS_SERVICE_TOKEN: token,
    RATE_LIMIT_USER_PER_MINUTE: String(userLimit),
  });
  client = creditServiceClient(service.grpcAddress);
}, 60_000);

afterAll(async () => {
  client?.close();
  await service?.stop();
  await db?.$disconnect();
});

const auth = () => metadata(token);
const newUserId = () => String(randomInt(1, 2 ** 31));

async function restBalance(userId: string) {
  const response = await fetch(`${service.restUrl}/api/credits/${userId}/balance`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as { platform_user_id: string | null; balance: number };
}

describe("the gRPC CreditService", () => {
  it("adds and reads credits by the same ids as REST, and creates a customer only when crediting", async () => {
    const userId = newUserId();
    const unknown = await call(client, "GetUserCredits", { user_id: userId }, auth());
    expect(unknown.response).toEqual({ user_id: userId, platform_user_id: "", balances: [] });
    expect((await restBalance(userId)).platform_user_id).toBeNull();

    expect(
      (await call(client, "AddCredits", { user_id: userId, credits: 70 }, auth())).error,
    ).toBeUndefined();
    const rest = await restBalance(userId);
    expect(rest.balance).toBe(70);
    const read = await call(client, "GetUserCredits", { user_id: userId }, auth());
    expect(read.response).toEqual({
      user_id: userId,
      platform_user_id: rest.platform_user_id,
      balances: [{ app_id: "default", balance: "70" }],
    });
    // REST's additions land in the same account gRPC reads.
    await fetch(`${service.restUrl}/api/credits/${userId}/add`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ amount: 5, description: "from REST" }),
    });
    const after = await call(
      client,
      "GetUserCredits",
      { user_id: userId },
      metadata(readOnlyToken),
    );
    expect(after.response?.balances).toEqual([{ app_id: "default", balance: "75" }]);
  });

  it("records purchases with UseCredits and streams them back with who made and recorded them", async () => {
    const userId = `user_${randomUUID().slice(0, 8)}`;
    await call(
      client,
      "AddCredits",
      { user_id: userId, app_id: "reports", credits: 50, created_by: "crm:promo" },
      auth(),
    );
    const used = await call(
      client,
      "UseCredits",
      {
        user_id: userId,
        app_id: "reports",
        report_id: "r-1",
        report_name: "Q3 report",
        credits: 30,
        created_by: "analyst_7",
      },
      auth(),
    );
    expect(used.error).toBeUndefined();
    const { messages, error } = await collect(
      client,
      "ListUserPurchases",
      { user_id: userId },
      auth(),
    );
    expect(error).toBeUndefined();
    expect(messages).toEqual([
      expect.objectContaining({
        user_id: userId,
        app_id: "reports",
        report_id: "r-1",
        report_name: "Q3 report",
        credits: "30",
        refunded_credits: "0",
        status: "COMPLETED",
        created_by: { type: "SERVICE", id: "env", recorded_by: "analyst_7" },
        created_at: expect.objectContaining({ seconds: expect.any(String) }),
      }),
    ]);
    const history = await collect(client, "ListUserTransactions", { user_id: userId }, auth());
    expect(
      history.messages.map((entry) => [
        entry.type,
        entry.credits,
        entry.balance,
        (entry.created_by as { recorded_by: string }).recorded_by,
      ]),
    ).toEqual([
      ["PURCHASE", "-30", "20", "analyst_7"],
      ["GRANT", "50", "50", "crm:promo"],
    ]);
  });

  it("answers FAILED_PRECONDITION when credits do not suffice, also for an unknown user", async () => {
    const userId = newUserId();
    await call(client, "AddCredits", { user_id: userId, credits: 10 }, auth());
    const purchase = { report_id: "r", report_name: "Report", credits: 11 };
    const short = await call(client, "UseCredits", { user_id: userId, ...purchase }, auth());
    expect(short.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(short.error?.details).toBe("Not enough credits: 11 needed, 10 available.");
    const nobody = newUserId();
    const unknown = await call(client, "UseCredits", { user_id: nobody, ...purchase }, auth());
    expect(unknown.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(unknown.error?.details).toBe("Not enough credits: 11 needed, 0 available.");
    expect((await restBalance(nobody)).platform_user_id).toBeNull();
  });

  it("counts every call in /metrics by method and status code, with its time", async () => {
    const counted = async () => {
      const text = await (await fetch(`${service.restUrl}/metrics`)).text();
      const value = (code: string) =>
        Number(
          text.match(
            new RegExp(
              `^credits_grpc_calls_total\\{method="UseCredits",code="${code}"\\} (\\d+)$`,
              "m",
            ),
          )?.[1] ?? 0,
        );
      return {
        ok: value("OK"),
        short: value("FAILED_PRECONDITION"),
        timed: /^credits_grpc_call_duration_seconds_count\{method="UseCredits"\} \d+$/m.test(text),
      };
    };
    const before = await counted();
    const userId = newUserId();
    await call(client, "AddCredits", { user_id: userId, credits: 5 }, auth());
    const purchase = { user_id: userId, report_id: "r", report_name: "Report" };
    expect(
      (await call(client, "UseCredits", { ...purchase, credits: 5 }, auth())).error,
    ).toBeFalsy();
    const short = await call(client, "UseCredits", { ...purchase, credits: 1 }, auth());
    expect(short.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(await counted()).toEqual({ ok: before.ok + 1, short: before.short + 1, timed: true });
  });

  it("sums an app's outstanding credits; NOT_FOUND for an unknown app", async () => {
    const appId = `grpc-${randomUUID().slice(0, 8)}`;
    await db.$executeRaw`INSERT INTO apps (id, name) VALUES (${appId}, 'gRPC test app')`;
    const empty = await call(client, "GetAppBalance", { app_id: appId }, auth());
    expect(empty.response).toEqual({ app_id: appId, balance: "0" });
    await call(client, "AddCredits", { user_id: newUserId(), app_id: appId, credits: 40 }, auth());
    await call(client, "AddCredits", { user_id: newUserId(), app_id: appId, credits: 2 }, auth());
    const total = await call(client, "GetAppBalance", { app_id: appId }, metadata(readOnlyToken));
    expect(total.response).toEqual({ app_id: appId, balance: "42" });
    const missing = await call(client, "GetAppBalance", { app_id: "no-such-app" }, auth());
    expect(missing.error?.code).toBe(status.NOT_FOUND);
    expect(missing.error?.details).toBe('No app "no-such-app" exists.');
    const unknownApp = await call(
      client,
      "AddCredits",
      { user_id: newUserId(), app_id: "no-such-app", credits: 1 },
      auth(),
    );
    expect(unknownApp.error?.code).toBe(status.NOT_FOUND);
  });

  it("refuses calls without a valid token, and mutations with a read-only one", async () => {
    const request = { user_id: newUserId(), credits: 5 };
    for (const meta of [
      metadata(null),
      metadata("not-a-token"),
      metadata(null, { authorization: "Basic x" }),
    ]) {
      const { error } = await call(client, "AddCredits", request, meta);
      expect(error?.code).toBe(status.UNAUTHENTICATED);
    }
    const stream = await collect(client, "ListUserTransactions", { user_id: "42" }, metadata(null));
    expect(stream.error?.code).toBe(status.UNAUTHENTICATED);
    const denied = await call(client, "AddCredits", request, metadata(readOnlyToken));
    expect(denied.error?.code).toBe(status.PERMISSION_DENIED);
    expect(denied.error?.details).toBe('This token lacks the "write" scope.');
    expect((await restBalance(request.user_id)).platform_user_id).toBeNull();
  });

  it("takes effect once per idempotency key; the same key for another request is ALREADY_EXISTS", async () => {
    const userId = newUserId();
    const key = { "idempotency-key": `grpc-key-${randomUUID()}` };
    for (let attempt = 0; attempt < 2; attempt++) {
      const { error } = await call(
        client,
        "AddCredits",
        { user_id: userId, credits: 25 },
        metadata(token, key),
      );
      expect(error).toBeUndefined();
    }
    expect((await restBalance(userId)).balance).toBe(25);
    const purchase = { user_id: userId, report_id: "r", report_name: "R", credits: 5 };
    const purchaseKey = { "idempotency-key": `grpc-key-${randomUUID()}` };
    await call(client, "UseCredits", purchase, metadata(token, purchaseKey));
    await call(client, "UseCredits", purchase, metadata(token, purchaseKey));
    expect((await restBalance(userId)).balance).toBe(20);
    const reused = await call(
      client,
      "AddCredits",
      { user_id: userId, credits: 26 },
      metadata(token, key),
    );
    expect(reused.error?.code).toBe(status.ALREADY_EXISTS);
    const badKey = await call(
      client,
      "AddCredits",
      { user_id: userId, credits: 1 },
      metadata(token, { "idempotency-key": "short" }),
    );
    expect(badKey.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(badKey.error?.details).toMatch(/^idempotency-key: must be at least 8 characters/);
    expect((await restBalance(userId)).balance).toBe(20);
  });

  it("answers INVALID_ARGUMENT naming each bad field, and changes nothing", async () => {
    const userId = newUserId();
    const cases: [string, object, RegExp][] = [
      ["AddCredits", { user_id: userId, credits: 0 }, /^credits: must be greater than zero$/],
      ["AddCredits", { user_id: userId, credits: "1000000000001" }, /^credits: must be at most/],
      ["AddCredits", { user_id: userId, credits: -3 }, /^credits: must be greater than zero$/],
      ["AddCredits", { user_id: "", credits: 1 }, /^user_id: must be a user id/],
      ["AddCredits", { user_id: "a b", credits: 1 }, /^user_id: must be a user id/],
      [
        "AddCredits",
        { user_id: userId, app_id: "Bad App", credits: 1 },
        /^app_id: must be a short slug/,
      ],
      [
        "UseCredits",
        { user_id: userId, credits: 1, report_id: "", report_name: "x" },
        /^report_id: must not be empty$/,
      ],
      [
        "UseCredits",
        { user_id: userId, credits: 1, report_id: "r", report_name: "x".repeat(201) },
        /^report_name: /,
      ],
      [
        "AddCredits",
        { user_id: userId, credits: 1, created_by: "not valid!" },
        /^created_by: must be a user id/,
      ],
      [
        "UseCredits",
        { user_id: userId, credits: 1, report_id: "r", report_name: "x", created_by: "a b" },
        /^created_by: /,
      ],
      ["GetUserCredits", { user_id: "x".repeat(129) }, /^user_id: must be a user id/],
      ["GetAppBalance", { app_id: "UPPER" }, /^app_id: must be a short slug/],
    ];
    for (const [method, request, message] of cases) {
      const { error } = await call(client, method, request, auth());
      expect(error?.code, `${method} ${JSON.stringify(request)}`).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toMatch(message);
    }
    const huge = { user_id: userId, credits: 1, report_id: "r", report_name: "x".repeat(70_000) };
    const tooLarge = await call(client, "UseCredits", huge, auth());
    expect(tooLarge.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    // Bytes that are no message at all (a truncated field tag) are the client's error too.
    const garbage = await new Promise<ServiceError | null>((resolve) => {
      client.makeUnaryRequest(
        "/credits.v1.CreditService/UseCredits",
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from([0xff, 0xff, 0xff]),
        auth(),
        (error) => resolve(error),
      );
    });
    expect(garbage?.code).toBe(status.INVALID_ARGUMENT);
    expect(garbage?.details).toBe("The request is not a valid credits.v1.PurchaseRequest message.");
    const stream = await collect(client, "ListUserPurchases", { user_id: "" }, auth());
    expect(stream.error?.code).toBe(status.INVALID_ARGUMENT);
    expect((await restBalance(userId)).platform_user_id).toBeNull();
    // The refusals left the connection fit for the next call.
    const read = await call(client, "GetUserCredits", { user_id: userId }, auth());
    expect(read.response).toEqual({ user_id: userId, platform_user_id: "", balances: [] });
  });

  it("answers RESOURCE_EXHAUSTED with a retry-after past the user's rate limit", async () => {
    const userId = newUserId();
    const answers = [];
    for (let attempt = 0; attempt <= userLimit; attempt++) {
      answers.push(await call(client, "GetUserCredits", { user_id: userId }, auth()));
    }
    expect(answers.slice(0, userLimit).every((answer) => answer.response)).toBe(true);
    const limited = answers[userLimit]?.error;
    expect(limited?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(limited?.details).toMatch(/^Too many requests for this user; at most 20 a minute/);
    expect(Number(limited?.metadata.get("retry-after")[0])).toBeGreaterThan(0);
  });

  it("streams 10,000 ledger entries newest first; an unknown user's streams are empty", async () => {
    const userId = newUserId();
    const entries = 10_000;
    await call(client, "AddCredits", { user_id: userId, credits: entries }, auth());
    // The other 9,999 entries in one statement, keeping the account, its grant and the entries'
    // balance-after consistent (as ledger:verify checks): spends of one credit each.
    await db.$executeRaw`
      WITH account AS (
        SELECT a.id, a.user_id, a.app_id FROM credit_accounts a JOIN users u ON u.id = a.user_id
        WHERE u.external_id = ${userId}
      ), spends AS (
        INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after, description, actor_type)
        SELECT account.id, account.user_id, account.app_id, 'SPEND', -1, ${entries} - n, 'seeded spend', 'SYSTEM'
        FROM account, generate_series(1, ${entries - 1}) AS n ORDER BY n
      ), balance AS (
        UPDATE credit_accounts SET balance = 1 WHERE id = (SELECT id FROM account)
      )
      UPDATE credit_grants SET remaining = 1 WHERE account_id = (SELECT id FROM account)`;
    const started = Date.now();
    const { messages, error } = await collect(
      client,
      "ListUserTransactions",
      { user_id: userId },
      auth(),
    );
    expect(error).toBeUndefined();
    expect(messages).toHaveLength(entries);
    expect(messages[0]).toMatchObject({
      user_id: userId,
      type: "SPEND",
      credits: "-1",
      balance: "1",
    });
    expect(messages.at(-1)).toMatchObject({
      type: "GRANT",
      credits: String(entries),
      balance: String(entries),
    });
    const ids = messages.map((message) => BigInt(String(message.id)));
    expect(ids.every((id, index) => index === 0 || id < (ids[index - 1] ?? 0n))).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);

    const nobody = newUserId();
    for (const method of ["ListUserTransactions", "ListUserPurchases"]) {
      const empty = await collect(client, method, { user_id: nobody }, auth());
      expect(empty).toEqual({ messages: [] });
    }
  }, 30_000);

  it("stops within seconds on SIGTERM although a client keeps its session open", async () => {
    expect(
      (await call(client, "GetAppBalance", { app_id: "default" }, auth())).response,
    ).toBeDefined();
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
