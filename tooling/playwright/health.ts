import { type APIRequestContext, expect } from "@playwright/test";

/** Checks an app's probes over HTTP: /health is up and /health/ready sees the database. */
export async function expectHealthyApp(request: APIRequestContext): Promise<void> {
  const live = await request.get("/health");
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  const ready = await request.get("/health/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: "ok",
    checks: { database: { status: "ok" } },
  });
}
