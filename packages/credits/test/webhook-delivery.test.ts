// Webhook delivery end to end on a database of its own (the worker dispatches every event it
// finds): a real pg-boss worker sends the outbox's events to a real HTTP receiver on loopback,
// signed so that svix, an independent Standard Webhooks library, verifies them; retries with
// backoff, every attempt logged; an endpoint failing too long disabled; each event delivered once
// per endpoint with two workers side by side; private addresses refused; rotation's overlap.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createDatabaseClient, type Database } from "@credits/db";
import { migrateDeploy } from "@credits/db/migrate";
import { createScratchDatabase } from "@credits/db/testing";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError } from "../src/errors.ts";
import { recordEvent } from "../src/service/events/record.ts";
import { grantCredits, spendCredits } from "../src/service/operations.ts";
import { setLowBalanceThreshold } from "../src/service/thresholds/settings.ts";
import type { Actor } from "../src/service/types.ts";
import type { WebhookConfig } from "../src/service/webhooks/config.ts";
import { resendWebhookDelivery, sendWebhookTestEvent } from "../src/service/webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "../src/service/webhooks/endpoints.ts";
import { sendWebhook } from "../src/service/webhooks/send.ts";
import { startWebhookWorker, type WebhookWorker } from "../src/service/webhooks/worker.ts";
import { eventually, startReceiver } from "./webhook-receiver.ts";

const system: Actor = { type: "SYSTEM", id: null };
const allowLoopback = { allowPrivateUrls: true };

const config: WebhookConfig = {
  allowPrivateUrls: true,
  retryLimit: 3,
  retryDelaySeconds: 0,
  disableAfterSeconds: 3_600,
  timeoutMs: 1_000,
  dispatchIntervalMs: 50,
  expiringNoticeDays: 7,
  retentionDays: 30,
};

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: Database;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const workers: WebhookWorker[] = [];
const logged: string[] = [];

async function startWorker(overrides: Partial<WebhookConfig> = {}) {
  const worker = await startWebhookWorker({
    db,
    connectionString: scratch.url,
    config: { ...config, ...overrides },
    logger: { error: (message) => logged.push(message) },
    queueMaintenanceSeconds: 1,
  });
  workers.push(worker);
  return worker;
}

async function stopWorkers() {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
}

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL ?? "", "webhooks");
  await migrateDeploy({ databaseUrl: scratch.url });
  db = createDatabaseClient(scratch.url, { poolMax: 8 });
  await db.app.upsert({
    where: { id: "default" },
    create: { id: "default", name: "Default" },
    update: {},
  });
  receiver = await startReceiver();
}, 60_000);

afterAll(async () => {
  await stopWorkers();
  await receiver.close();
  await db.$disconnect();
  await scratch.drop();
});

async function newUser() {
  return (
    await db.user.create({
      data: { email: `hooks-${randomUUID()}@example.com` },
      select: { id: true },
    })
  ).id;
}

function event(userId: string, data: Record<string, unknown> = {}) {
  return db.$transaction((tx) =>
    recordEvent(tx, { type: "credits.granted", userId, appId: "default", data }),
  );
}

function verified(secret: string, request: { body: string; headers: Record<string, unknown> }) {
  const headers = Object.fromEntries(
    ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [
      name,
      String(request.headers[name]),
    ]),
  );
  return new Webhook(secret).verify(request.body, headers) as Record<string, unknown>;
}

function attemptsOf(deliveryId: string) {
  return db.webhookDeliveryAttempt.findMany({ where: { deliveryId }, orderBy: { id: "asc" } });
}

describe("webhook delivery", () => {
  it("sends a low-balance crossing signed per Standard Webhooks, with the state after the change", async () => {
    const path = `/crossing-${randomUUID()}`;
    const endpoint = await createWebhookEndpoint(
      db,
      system,
      {
        url: receiver.url(path),
        description: "billing",
        eventTypes: ["credits.balance_low"],
        enabled: true,
      },
      allowLoopback,
    );
    expect(endpoint.secret).toMatch(/^whsec_/);
    const userId = await newUser();
    await setLowBalanceThreshold(db, system, userId, { appId: "default", threshold: 50 });
    await grantCredits(db, system, {
      userId,
      amount: 100,
      source: "PROMOTION",
      description: "funds",
      idempotencyKey: randomUUID(),
    });
    await spendCredits(db, system, userId, {
      appId: "default",
      amount: 60,
      description: "a report",
      idempotencyKey: randomUUID(),
    });
    await startWorker();
    const [request] = await eventually("the crossing's delivery", () => {
      const got = receiver.at(path);
      return got.length > 0 ? got : null;
    });
    if (!request) throw new Error("no request");
    const payload = verified(endpoint.secret, request);
    // The reference verifier agrees with svix's.
    expect(
      new StandardWebhook(endpoint.secret).verify(request.body, {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      }),
    ).toEqual(payload);
    expect(payload).toMatchObject({
      type: "credits.balance_low",
      data: { platform_user_id: userId, app_id: "default", available: 40, threshold: 50 },
    });
    expect(typeof payload.sequence).toBe("number");
    expect(request.headers["webhook-id"]).toBe(payload.id);
    expect(request.headers["content-type"]).toBe("application/json");
    // A tampered body fails verification: the signature covers it.
    expect(() =>
      verified(endpoint.secret, { ...request, body: request.body.replace("40", "41") }),
    ).toThrow();
    const delivery = await eventually("the delivery to succeed", () =>
      db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
    );
    expect(delivery.attempts).toBe(1);
    const [attempt] = await attemptsOf(delivery.id);
    expect(attempt).toMatchObject({ statusCode: 204, error: null });
    // The grant (credits.granted is not asked for) and nothing else reached this endpoint.
    expect(receiver.at(path)).toHaveLength(1);
    await stopWorkers();
  });

  it("retries an endpoint that fails 3 times: each retry sends the event once more, then it stops", async () => {
    const path = `/flaky-${randomUUID()}`;
    let calls = 0;
    receiver.answer(path, (response) => {
      calls += 1;
      if (calls <= 3) response.writeHead(500).end("not now");
      else response.writeHead(200).end("thanks");
    });
    const endpoint = await createWebhookEndpoint(
      db,
      system,
      { url: receiver.url(path), description: "", eventTypes: [], enabled: true },
      allowLoopback,
    );
    const recorded = await event(await newUser(), { amount: 5 });
    await startWorker({ retryLimit: 5 });
    const delivery = await eventually("the fourth attempt to succeed", () =>
      db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
    );
    expect(delivery.eventId).toBe(recorded.id);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 200]);
    expect(attempts[0]?.responseExcerpt).toBe("not now");
    expect(delivery.attempts).toBe(4);
    // Nothing more once it was accepted, though retries were left.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.at(path)).toHaveLength(4);
    expect(new Set(receiver.at(path).map((request) => request.headers["webhook-id"]))).toEqual(
      new Set([recorded.id]),
    );
    const after = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(after.failingSince).toBeNull();
    await stopWorkers();
  });

  it("loses nothing when the worker process is killed in the middle of an attempt", async () => {
    const path = `/killed-${randomUUID()}`;
    // The first attempt never gets an answer: the worker dies waiting for it.
    receiver.answer(path, () => {});
    const endpoint = await createWebhookEndpoint(
      db,
      system,
      { url: receiver.url(path), description: "", eventTypes: [], enabled: true },
      allowLoopback,
    );
    const recorded = await event(await newUser(), { amount: 7 });
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./webhook-worker-process.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: scratch.url,
          WEBHOOK_ALLOW_PRIVATE_URLS: "on",
          WEBHOOK_TIMEOUT_MS: "3000",
          WEBHOOK_RETRY_DELAY_SECONDS: "0",
          WEBHOOK_DISPATCH_INTERVAL_MS: "50",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      await eventually("the killed worker's attempt", () => receiver.at(path).length > 0);
      child.kill("SIGKILL");
      await once(child, "exit");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    receiver.answer(path, (response) => response.writeHead(200).end());
    // pg-boss fails the dead worker's job when it outlives its expiry; this worker retries it.
    await startWorker();
    const delivery = await eventually(
      "the delivery after the crash",
      () =>
        db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
      40_000,
    );
    expect(delivery.eventId).toBe(recorded.id);
    const requests = receiver.at(path);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(requests.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set([recorded.id]),
    );
    await stopWorkers();
  }, 60_000);

  it("fails a delivery after its last retry and disables an endpoint that failed for too long", async () => {
    const path = `/down-${randomUUID()}`;
    receiver.answer(path, (response) => response.writeHead(503).end());
    const endpoint = await createWebhookEndpoint(
      db,
      system,
      { url: receiver.url(path), description: "", eventTypes: ["credits.spent"], enabled: true },
      allowLoopback,
    );
    expect(await db.wantedEventType.findMany()).toEqual([{ type: "credits.spent" }]);
    const userId = await newUser();
    await db.$transaction((tx) =>
      recordEvent(tx, { type: "credits.spent", userId, appId: "default", data: {} }),
    );
    await startWorker({ retryLimit: 2, retryDelaySeconds: 1, disableAfterSeconds: 1 });
    const disabled = await eventually("the endpoint to be disabled", async () => {
      const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      return row.enabled ? null : row;
    });
    expect(disabled.disabledReason).toContain("HTTP 503");
    expect(disabled.disabledAt).not.toBeNull();
    // Nobody wants credits.spent any more: the spend path stops recording it.
    expect(await db.wantedEventType.findMany()).toEqual([]);
    const delivery = await eventually("the delivery to end", () =>
      db.webhookDelivery.findFirst({
        where: { endpointId: endpoint.id, status: { in: ["failed", "canceled"] } },
      }),
    );
    expect(delivery.attempts).toBeGreaterThanOrEqual(2);
    expect((await attemptsOf(delivery.id)).every((attempt) => attempt.statusCode === 503)).toBe(
      true,
    );
    // Enabling it again forgets the failures; a resend goes out as a new series of attempts.
    receiver.answer(path, (response) => response.writeHead(200).end());
    await updateWebhookEndpoint(
      db,
      system,
      { endpointId: endpoint.id, enabled: true },
      allowLoopback,
    );
    await resendWebhookDelivery(db, system, delivery.id);
    await eventually("the resend to succeed", () =>
      db.webhookDelivery.findFirst({ where: { id: delivery.id, status: "succeeded" } }),
    );
    await stopWorkers();
  });

  it("delivers each of 200 events once per endpoint with two workers dispatching side by side", async () => {
    const paths = [`/a-${randomUUID()}`, `/b-${randomUUID()}`];
    const endpoints = await Promise.all(
      paths.map((path) =>
        createWebhookEndpoint(
          db,
          system,
          {
            url: receiver.url(path),
            description: "",
            eventTypes: ["credits.granted"],
            enabled: true,
          },
          allowLoopback,
        ),
      ),
    );
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    await Promise.all(
      Array.from({ length: 200 }, (_, index) => event(users[index % 10] ?? "", { amount: index })),
    );
    await Promise.all([startWorker(), startWorker()]);
    for (const [index, path] of paths.entries()) {
      await eventually(
        `200 deliveries to ${path}`,
        async () =>
          (await db.webhookDelivery.count({
            where: { endpointId: endpoints[index]?.id, status: "succeeded" },
          })) === 200,
      );
      const ids = receiver.at(path).map((request) => request.headers["webhook-id"]);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
    }
    // Per customer, the sequence numbers say the order in which the changes happened.
    const sequences = receiver
      .at(paths[0] ?? "")
      .map(
        (request) =>
          JSON.parse(request.body) as { sequence: number; data: { platform_user_id: string } },
      )
      .filter((payload) => payload.data.platform_user_id === users[0]);
    expect(sequences.map((payload) => payload.sequence).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    await stopWorkers();
  });

  it("signs with both secrets during a rotation's overlap, and sends test events", async () => {
    const path = `/rotated-${randomUUID()}`;
    const created = await createWebhookEndpoint(
      db,
      system,
      { url: receiver.url(path), description: "", eventTypes: [], enabled: true },
      allowLoopback,
    );
    const rotated = await rotateWebhookSecret(db, system, created.id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.previousSecretExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    await sendWebhookTestEvent(db, system, created.id);
    await startWorker();
    const [request] = await eventually("the test event", () => {
      const got = receiver.at(path);
      return got.length > 0 ? got : null;
    });
    if (!request) throw new Error("no request");
    expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verified(rotated.secret, request)).toMatchObject({ type: "webhook.test" });
    expect(verified(created.secret, request)).toMatchObject({ type: "webhook.test" });
    await stopWorkers();
  });
});

describe("outbound requests", () => {
  it("refuses endpoints on private and loopback addresses unless the deployment allows them", async () => {
    for (const url of [
      "http://127.0.0.1:9/hook",
      "http://localhost/hook",
      "http://10.1.2.3/hook",
      "http://[::1]/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://192.168.0.10/hook",
    ]) {
      const refused = createWebhookEndpoint(
        db,
        system,
        { url, description: "", eventTypes: [], enabled: true },
        { allowPrivateUrls: false },
      );
      await expect(refused, url).rejects.toBeInstanceOf(InvalidRequestError);
    }
    expect(await db.webhookEndpoint.count({ where: { url: { contains: "/hook" } } })).toBe(0);
    // A name that resolves to loopback is refused when the attempt resolves it.
    const path = `/ssrf-${randomUUID()}`;
    const outcome = await sendWebhook(
      receiver.url(path).replace("127.0.0.1", "localhost"),
      "{}",
      {},
      {
        timeoutMs: 1_000,
        allowPrivate: false,
      },
    );
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/private or loopback/);
    expect(receiver.at(path)).toHaveLength(0);
  });

  it("follows no redirect, keeps 1,000 bytes of an answer and gives up on an endpoint that hangs", async () => {
    const base = randomUUID();
    receiver.answer(`/moved-${base}`, (response) =>
      response.writeHead(302, { location: receiver.url(`/elsewhere-${base}`) }).end(),
    );
    receiver.answer(`/long-${base}`, (response) =>
      response.writeHead(200).end("x".repeat(100_000)),
    );
    receiver.answer(`/hang-${base}`, () => {});
    const options = { timeoutMs: 300, allowPrivate: true };
    const moved = await sendWebhook(receiver.url(`/moved-${base}`), "{}", {}, options);
    expect(moved.statusCode).toBe(302);
    expect(receiver.at(`/elsewhere-${base}`)).toHaveLength(0);
    const long = await sendWebhook(receiver.url(`/long-${base}`), "{}", {}, options);
    expect(long).toMatchObject({ statusCode: 200, error: null });
    expect(long.responseExcerpt).toHaveLength(1_000);
    const hang = await sendWebhook(receiver.url(`/hang-${base}`), "{}", {}, options);
    expect(hang).toMatchObject({ statusCode: null, error: "no answer within 300 ms" });
    expect(hang.durationMs).toBeGreaterThanOrEqual(290);
  });
});
