// The standalone service as a process, as another backend meets it: the original design's client
// code against it (its fetch with a Bearer token and the backend's own user ids), and the
// operational endpoints a deployment probes.
import { randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "./service-process.ts";

const serviceToken = `test-service-token-${randomUUID()}`;
let service: RunningService;
let CREDITS_SERVICE_URL = "";

beforeAll(async () => {
  // Behind one (pretended) proxy, whose X-Forwarded-Proto: https brings HSTS.
  service = await startService({ CREDITS_SERVICE_TOKEN: serviceToken, AUTH_TRUSTED_PROXIES: "1" });
  CREDITS_SERVICE_URL = service.restUrl;
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

/** The original design's integration code (its deduct route), with the backend's own user id. */
async function designDeduct(userId: string, amount: number, description: string) {
  const response = await fetch(`${CREDITS_SERVICE_URL}/api/credits/${userId}/deduct`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${serviceToken}`,
    },
    body: JSON.stringify({ amount, description }),
  });
  if (!response.ok) {
    return Response.json({ error: "Insufficient credits" }, { status: 402 });
  }
  return Response.json(await response.json());
}

async function serviceCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${CREDITS_SERVICE_URL}${path}`, {
    method,
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${serviceToken}`,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("the original design's client against apps/service", () => {
  it("adds, deducts (402 when short), reads balance and history, and transfers by its own ids", async () => {
    const numericId = String(randomInt(1, 2 ** 31));
    const stringId = `user_${randomUUID().slice(0, 12)}`;

    const added = await serviceCall("POST", `/api/credits/${numericId}/add`, {
      amount: 100,
      description: "Welcome credits",
    });
    expect(added).toMatchObject({ status: 200, body: { success: true, balance: 100 } });

    const paid = await designDeduct(numericId, 30, "Report generation");
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ success: true, balance: 70 });
    const refused = await designDeduct(numericId, 500, "Report generation");
    expect(refused.status).toBe(402);

    const transferred = await serviceCall("POST", `/api/credits/${numericId}/transfer`, {
      to_user_id: stringId,
      amount: 20,
      description: "Shared with a teammate",
    });
    expect(transferred).toMatchObject({ status: 200, body: { balance: 50 } });

    const balance = await serviceCall("GET", `/api/credits/${stringId}/balance`);
    expect(balance).toMatchObject({ status: 200, body: { user_id: stringId, balance: 20 } });
    const history = await serviceCall("GET", `/api/credits/${numericId}/history`);
    expect(
      history.body.transactions.map((entry: { type: string; amount: number }) => [
        entry.type,
        entry.amount,
      ]),
    ).toEqual([
      ["TRANSFER_OUT", -20],
      ["SPEND", -30],
      ["GRANT", 100],
    ]);
    const unknown = await designDeduct(`nobody-${randomUUID()}`, 1, "Report generation");
    expect(unknown.status).toBe(402);
  });

  it("refuses a request without the token, in the API's error shape", async () => {
    const response = await fetch(`${CREDITS_SERVICE_URL}/api/credits/42/balance`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});

describe("what a deployment probes", () => {
  it("answers health, readiness, metrics, the OpenAPI document and its reference page", async () => {
    const health = await fetch(`${CREDITS_SERVICE_URL}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${CREDITS_SERVICE_URL}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ok",
      checks: { database: { status: "ok" } },
    });
    const metrics = await fetch(`${CREDITS_SERVICE_URL}/metrics`);
    expect(await metrics.text()).toContain("credits_http_requests_total");
    const document = await fetch(`${CREDITS_SERVICE_URL}/openapi.json`);
    const openapi = await document.json();
    expect(openapi.openapi).toMatch(/^3\.1/);
    expect(Object.keys(openapi.paths)).toContain("/api/credits/{userId}/deduct");
    const page = await fetch(`${CREDITS_SERVICE_URL}/api/docs`);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("/api/credits/{userId}/deduct");
    expect(html).not.toContain("<script");
  });
});

describe("security headers", () => {
  const everyAnswer = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
  };
  const apiPolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  it("are on every answer: operational endpoints, REST answers, errors and unknown paths", async () => {
    const bearer = { authorization: `Bearer ${serviceToken}` };
    const answers = [
      await fetch(`${CREDITS_SERVICE_URL}/health`),
      await fetch(`${CREDITS_SERVICE_URL}/health/ready`),
      await fetch(`${CREDITS_SERVICE_URL}/metrics`),
      await fetch(`${CREDITS_SERVICE_URL}/openapi.json`),
      await fetch(`${CREDITS_SERVICE_URL}/api/credits/nobody/balance`, { headers: bearer }),
      await fetch(`${CREDITS_SERVICE_URL}/api/credits/nobody/balance`),
      await fetch(`${CREDITS_SERVICE_URL}/api/credits/nobody/deduct`, {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: "{",
      }),
      await fetch(`${CREDITS_SERVICE_URL}/no/such/path`, { headers: bearer }),
    ];
    for (const answer of answers) {
      expect(Object.fromEntries(answer.headers), answer.url).toMatchObject({
        ...everyAnswer,
        "content-security-policy": apiPolicy,
      });
      expect(answer.headers.get("strict-transport-security"), answer.url).toBeNull();
    }
  });

  it("give the reference page a CSP that lets only its own style element in", async () => {
    const page = await fetch(`${CREDITS_SERVICE_URL}/api/docs`);
    const csp = page.headers.get("content-security-policy") ?? "";
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain(`<style nonce="${nonce}">`);
    expect(Object.fromEntries(page.headers)).toMatchObject(everyAnswer);
  });

  it("add HSTS when the trusted proxy says the request came over HTTPS", async () => {
    const https = { "x-forwarded-proto": "https" };
    for (const path of ["/health", "/api/docs", "/api/credits/nobody/balance"]) {
      const answer = await fetch(`${CREDITS_SERVICE_URL}${path}`, { headers: https });
      expect(answer.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
    }
  });
});

describe("trailing slashes", () => {
  it("answer every route of the OpenAPI document as the route itself, POST included", async () => {
    const document = await (await fetch(`${CREDITS_SERVICE_URL}/openapi.json`)).json();
    const headers = { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" };
    let checked = 0;
    for (const [template, methods] of Object.entries(document.paths as Record<string, object>)) {
      const path = template.replace(/\{[^}]+\}/g, randomUUID());
      for (const method of Object.keys(methods).map((name) => name.toUpperCase())) {
        const body = method === "GET" ? undefined : "{}";
        const plain = await fetch(`${CREDITS_SERVICE_URL}${path}`, { method, headers, body });
        const slashed = await fetch(`${CREDITS_SERVICE_URL}${path}/`, {
          method,
          headers,
          body,
          redirect: "manual",
        });
        expect(slashed.status, `${method} ${template}/`).toBe(plain.status);
        expect(await slashed.json(), `${method} ${template}/`).toEqual(await plain.json());
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
