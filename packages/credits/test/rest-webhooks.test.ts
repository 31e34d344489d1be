// The REST API's webhook endpoints: created with their secret shown once, read without it,
// changed, rotated, their delivery log paged and test events queued; bad input answers 400 naming
// the field and changes nothing; only a token with the webhooks scope manages or reads them. Every answer is checked
// against the OpenAPI document. No worker runs here: delivery itself is webhook-delivery.test.ts.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "./fixtures.ts";
import { call, tokenWith } from "./rest-fixtures.ts";

const created: string[] = [];
afterAll(() => db.webhookEndpoint.deleteMany({ where: { id: { in: created } } }));

const endpointsPath = "/api/webhook-endpoints";

async function createEndpoint(body: Record<string, unknown>) {
  const answer = await call("POST", endpointsPath, { body, template: endpointsPath });
  if (answer.status === 200) created.push(answer.body.id);
  return answer;
}

describe("webhook endpoints over REST", () => {
  it("creates an endpoint with its secret once, then reads, changes and rotates it", async () => {
    const url = `https://hooks.example.com/${randomUUID()}`;
    const made = await createEndpoint({
      url,
      event_types: ["credits.balance_low", "credits.granted"],
    });
    expect(made).toMatchObject({
      status: 200,
      body: { url, enabled: true, event_types: ["credits.balance_low", "credits.granted"] },
    });
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    const path = `${endpointsPath}/${made.body.id}`;
    const read = await call("GET", path, { template: `${endpointsPath}/{endpointId}` });
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    const listed = await call("GET", endpointsPath, { template: endpointsPath });
    expect(listed.body.data.map((endpoint: { id: string }) => endpoint.id)).toContain(made.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.secret);

    const disabled = await call("POST", path, {
      body: { enabled: false, description: "paused for maintenance" },
      template: `${endpointsPath}/{endpointId}`,
    });
    expect(disabled.body).toMatchObject({ enabled: false, description: "paused for maintenance" });
    expect(disabled.body.disabled_at).not.toBeNull();
    const test = await call("POST", `${path}/test`, {
      body: {},
      template: `${endpointsPath}/{endpointId}/test`,
    });
    expect(test).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    const enabled = await call("POST", path, {
      body: { enabled: true },
      template: `${endpointsPath}/{endpointId}`,
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_at: null, disabled_reason: null });

    const rotated = await call("POST", `${path}/rotate-secret`, {
      body: {},
      template: `${endpointsPath}/{endpointId}/rotate-secret`,
    });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect(rotated.body.previous_secret_expires_at).not.toBeNull();

    const queued = await call("POST", `${path}/test`, {
      body: {},
      template: `${endpointsPath}/{endpointId}/test`,
    });
    expect(queued).toMatchObject({ status: 200, body: { status: "queued" } });
    const log = await call("GET", `${path}/deliveries`, {
      template: `${endpointsPath}/{endpointId}/deliveries`,
    });
    expect(log.body.data).toEqual([
      expect.objectContaining({
        id: queued.body.id,
        event_type: "webhook.test",
        status: "queued",
        attempts: 0,
      }),
    ]);
  });

  it("replays a creation sent twice with one idempotency key: one endpoint, one secret", async () => {
    const key = randomUUID();
    const body = { url: `https://hooks.example.com/${randomUUID()}` };
    const first = await call("POST", endpointsPath, { body, idempotencyKey: key });
    const second = await call("POST", endpointsPath, { body, idempotencyKey: key });
    created.push(first.body.id);
    expect(second.body).toEqual(first.body);
    expect(await db.webhookEndpoint.count({ where: { url: body.url } })).toBe(1);
  });

  it("answers 400 naming the field for a bad URL or event type, and creates nothing", async () => {
    const before = await db.webhookEndpoint.count();
    for (const [body, field] of [
      [{ url: "ftp://hooks.example.com/x" }, "url"],
      [{ url: "not a url" }, "url"],
      [{ url: "https://user:secret@hooks.example.com/x" }, "url"],
      [{ url: "http://127.0.0.1:8080/x" }, "url"],
      [{ url: "http://localhost/x" }, "url"],
      [{ url: "http://[::1]/x" }, "url"],
      [{ url: `https://hooks.example.com/${"x".repeat(2100)}` }, "url"],
      [{ url: "https://hooks.example.com/x", event_types: ["credits.nope"] }, "event_types"],
      [{ url: "https://hooks.example.com/x", event_types: "credits.granted" }, "event_types"],
      [{ url: "https://hooks.example.com/x", enabled: "yes" }, "enabled"],
    ] as const) {
      const answer = await createEndpoint(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const { details } = answer.body.error;
      expect(Object.keys(details.body ?? details.fields), JSON.stringify(body)).toContain(
        field.split(".")[0],
      );
    }
    expect(await db.webhookEndpoint.count()).toBe(before);
    const unknown = await call("GET", `${endpointsPath}/${randomUUID()}`, {
      template: `${endpointsPath}/{endpointId}`,
    });
    expect(unknown.status).toBe(404);
    const notAnId = await call("GET", `${endpointsPath}/nope`, {
      template: `${endpointsPath}/{endpointId}`,
    });
    expect(notAnId.status).toBe(400);
  });

  it("needs the webhooks scope for every route, reads too: read and write tokens are refused", async () => {
    const made = await createEndpoint({ url: `https://hooks.example.com/${randomUUID()}` });
    const path = `${endpointsPath}/${made.body.id}`;
    const requests = [
      ["GET", endpointsPath, endpointsPath, undefined],
      ["POST", endpointsPath, endpointsPath, { url: `https://hooks.example.com/${randomUUID()}` }],
      ["GET", path, `${endpointsPath}/{endpointId}`, undefined],
      ["POST", path, `${endpointsPath}/{endpointId}`, { enabled: false }],
      ["POST", `${path}/rotate-secret`, `${endpointsPath}/{endpointId}/rotate-secret`, {}],
      ["GET", `${path}/deliveries`, `${endpointsPath}/{endpointId}/deliveries`, undefined],
      ["POST", `${path}/test`, `${endpointsPath}/{endpointId}/test`, {}],
      [
        "POST",
        `/api/webhook-deliveries/${randomUUID()}/resend`,
        "/api/webhook-deliveries/{deliveryId}/resend",
        {},
      ],
    ] as const;
    const readWrite = await tokenWith(["read", "write"]);
    for (const [method, url, template, body] of requests) {
      const refused = await call(method, url, { token: readWrite.token, body, template });
      expect(refused, `${method} ${url}`).toMatchObject({
        status: 403,
        body: { error: { code: "forbidden", message: 'This token lacks the "webhooks" scope.' } },
      });
    }
    expect(await db.webhookEndpoint.count({ where: { id: made.body.id, enabled: true } })).toBe(1);

    const manager = await tokenWith(["webhooks"]);
    const listed = await call("GET", endpointsPath, {
      token: manager.token,
      template: endpointsPath,
    });
    expect(listed.status).toBe(200);
    const changed = await call("POST", path, {
      token: manager.token,
      body: { description: "by the webhooks token" },
      template: `${endpointsPath}/{endpointId}`,
    });
    expect(changed).toMatchObject({ status: 200, body: { description: "by the webhooks token" } });
    // …and nothing else: the webhooks scope does not reach credits.
    const balance = await call("GET", `/api/credits/${randomUUID()}/balance`, {
      token: manager.token,
      template: "/api/credits/{userId}/balance",
    });
    expect(balance.status).toBe(403);
  });
});
