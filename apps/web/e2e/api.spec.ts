import { createHmac, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { e2eServiceToken, e2eWebhookSecret, firstInstanceUrl } from "./environment.ts";
import { signUp, userIdOf } from "./helpers.ts";

// The service API as the running app (`next start`) serves it over HTTP: /metrics after traffic
// through every kind of route, the OpenAPI document and the reference page, request ids on webhook
// answers, and the body limit on chunked uploads.

const headers = { authorization: `Bearer ${e2eServiceToken}` };

/** A Stripe-Signature header for `payload`, made as Stripe makes it (HMAC-SHA256 of `t.payload`). */
function stripeSignature(payload: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", e2eWebhookSecret)
    .update(`${timestamp}.${payload}`)
    .digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/** The value of the first sample of `name` whose labels include all of `labels`; null if none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split("\n")
    .find(
      (candidate) =>
        (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) &&
        wanted.every((label) => candidate.includes(label)),
    );
  return line === undefined ? null : Number(line.split(" ").at(-1));
}

/** POSTs a body in chunks without Content-Length until the server answers; its status and body. */
function chunkedUpload(path: string, extraHeaders: Record<string, string>) {
  return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    const upload = httpRequest(new URL(path, firstInstanceUrl), {
      method: "POST",
      headers: { "content-type": "application/json", ...extraHeaders },
    });
    let sent = 0;
    let answered = false;
    upload.on("response", (response) => {
      answered = true;
      let text = "";
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => {
        upload.destroy();
        resolve({ status: response.statusCode ?? 0, body: text, sent });
      });
    });
    upload.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, " ");
    upload.write("{");
    const send = () => {
      // 64 MiB at most: far beyond both limits, so an answer must come before the end.
      while (!answered && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!upload.write(chunk)) {
          upload.once("drain", send);
          return;
        }
      }
      if (!answered) reject(new Error(`sent ${sent} bytes without an answer`));
    };
    send();
  });
}

test("[WEB][API] /metrics counts REST, webhook and tRPC requests, ledger operations, webhook events and the pool", async ({
  page,
  request,
}) => {
  // tRPC: the dashboard a new user lands on.
  const user = await signUp(page, "Metrics Watcher");
  const userId = await userIdOf(user.email);
  // REST: a grant, a spend, a refused spend, a read.
  const post = (path: string, data: unknown) => request.post(path, { headers, data });
  expect(
    (await post(`/api/credits/${userId}/add`, { amount: 20, description: "m" })).status(),
  ).toBe(200);
  expect(
    (await post(`/api/credits/${userId}/deduct`, { amount: 5, description: "m" })).status(),
  ).toBe(200);
  expect(
    (await post(`/api/credits/${userId}/deduct`, { amount: 500, description: "m" })).status(),
  ).toBe(402);
  expect((await request.get(`/api/credits/${userId}/balance`, { headers })).status()).toBe(200);
  // The webhook: an event Stripe signed (one the app ignores), and a forged one.
  const payload = JSON.stringify({
    id: `evt_e2e_${randomUUID().replaceAll("-", "")}`,
    object: "event",
    type: "customer.created",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "cus_e2e", object: "customer" } },
  });
  const delivered = await request.post("/api/webhooks/stripe", {
    headers: { "stripe-signature": stripeSignature(payload), "x-request-id": "stripe-e2e-1" },
    data: payload,
  });
  expect(delivered.status()).toBe(200);
  expect(await delivered.json()).toEqual({ received: true, status: "IGNORED" });
  expect(delivered.headers()["x-request-id"]).toBe("stripe-e2e-1");
  const forged = await request.post("/api/webhooks/stripe", {
    headers: { "stripe-signature": "t=1,v1=forged" },
    data: payload,
  });
  expect(forged.status()).toBe(400);
  expect(forged.headers()["x-request-id"]).toMatch(/^[\w-]{36}$/);

  const response = await request.get("/metrics");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  const text = await response.text();
  const deduct = { method: "POST", route: "/api/credits/{userId}/deduct" };
  const webhook = { method: "POST", route: "/api/webhooks/stripe" };
  // [family, labels, at least]: each sample must exist with at least this value.
  const expected: [string, Record<string, string>, number][] = [
    ["credits_http_requests_total", { ...deduct, status: "200" }, 1],
    ["credits_http_requests_total", { ...deduct, status: "402" }, 1],
    ["credits_http_request_duration_seconds_count", deduct, 2],
    ["credits_http_request_duration_seconds_bucket", { ...deduct, le: "+Inf" }, 2],
    ["credits_http_requests_total", { ...webhook, status: "200" }, 1],
    ["credits_http_requests_total", { ...webhook, status: "400" }, 1],
    ["credits_http_request_duration_seconds_count", webhook, 2],
    ["credits_http_requests_total", { route: "/api/trpc", status: "200" }, 1],
    ["credits_trpc_calls_total", { procedure: "credits.balance", code: "OK" }, 1],
    ["credits_trpc_call_duration_seconds_count", { procedure: "credits.balance" }, 1],
    ["credits_ledger_operations_total", { operation: "credits.grant", outcome: "ok" }, 1],
    ["credits_ledger_operations_total", { operation: "credits.spend", outcome: "ok" }, 1],
    ["credits_ledger_operations_total", { operation: "credits.spend", outcome: "refused" }, 1],
    ["credits_stripe_webhook_events_total", { type: "customer.created", status: "IGNORED" }, 1],
    ["credits_stripe_webhook_events_total", { status: "REJECTED" }, 1],
    ["credits_db_pool_connections", {}, 1],
    ["process_resident_memory_bytes", {}, 1],
  ];
  for (const [family, labels, least] of expected) {
    expect(
      sample(text, family, labels),
      `${family} ${JSON.stringify(labels)}`,
    ).toBeGreaterThanOrEqual(least);
  }
  expect(sample(text, "credits_http_request_duration_seconds_sum", deduct)).toBeGreaterThan(0);
  // The app's own pool (DATABASE_POOL_MAX defaults to 10), with the connections it has open.
  expect(sample(text, "credits_db_pool_max_connections")).toBe(
    Number(process.env.DATABASE_POOL_MAX ?? 10),
  );
  expect(sample(text, "credits_db_pool_idle_connections")).not.toBeNull();
  expect(sample(text, "credits_db_pool_waiting_queries")).toBe(0);
  // Nothing about callers or secrets in the labels.
  expect(text).not.toContain(userId);
  expect(text).not.toContain(e2eServiceToken);
});

test("[WEB][API] /api/openapi.json is the document and /api/docs renders every endpoint from it", async ({
  page,
  request,
}, testInfo) => {
  const response = await request.get("/api/openapi.json");
  expect(response.status()).toBe(200);
  const document = await response.json();
  expect(document.openapi).toBe("3.1.0");
  const operations = Object.entries(
    document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
  ).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  expect(operations).toHaveLength(31);
  const deduct = document.paths["/api/credits/{userId}/deduct"].post;
  expect(Object.keys(deduct.responses)).toEqual(
    expect.arrayContaining([
      "200",
      "400",
      "401",
      "402",
      "403",
      "404",
      "409",
      "413",
      "415",
      "429",
      "500",
    ]),
  );
  expect(Object.keys(document.components.responses)).toEqual([
    "UnknownEndpoint",
    "MethodNotAllowed",
  ]);

  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { level: 1, name: "Credits service API" })).toBeVisible();
  for (const tag of ["Customers", "Credits", "Holds", "Subscriptions", "Usage", "Webhooks"]) {
    await expect(page.getByRole("heading", { level: 2, name: tag })).toBeVisible();
  }
  await expect(page.getByRole("article")).toHaveCount(operations.length);
  for (const { path, method } of operations) {
    await expect(
      page
        .getByRole("article")
        .filter({ hasText: method.toUpperCase() })
        .filter({ hasText: path })
        .first(),
      `${method} ${path}`,
    ).toBeVisible();
  }
  await saveScreenshot(page, testInfo, "web-api-docs");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  await saveScreenshot(page, testInfo, "web-api-docs-phone");
});

test("[WEB][API] chunked uploads past the limit get 413 from the running app, REST and webhook alike", async () => {
  const rest = await chunkedUpload(`/api/credits/${randomUUID()}/add`, headers);
  expect(rest.status).toBe(413);
  expect(JSON.parse(rest.body)).toMatchObject({ error: { code: "payload_too_large" } });
  const webhook = await chunkedUpload("/api/webhooks/stripe", { "stripe-signature": "t=1,v1=x" });
  expect(webhook.status).toBe(413);
  expect(JSON.parse(webhook.body)).toEqual({ received: false, error: "The body is too large." });
});
