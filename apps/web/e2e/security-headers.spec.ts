import {
  expectSecurityHeaders,
  watchForCspViolations,
} from "@credits/playwright-config/security-headers";
import { expect, test } from "@playwright/test";
import { e2eServiceToken, noPaymentsUrl } from "./environment.ts";
import { signIn, signUp } from "./helpers.ts";

test("[WEB][HEADERS] pages, assets, 404s and every API route answer with the security headers", async ({
  request,
}) => {
  const pages = ["/sign-in", "/sign-up", "/api/docs", "/no-such-page", "/api/trpc/no/such"];
  for (const path of pages) expectSecurityHeaders(await request.get(path), "page");

  const proxied = ["/health", "/health/ready", "/metrics", "/api/openapi.json", "/api/auth/csrf"];
  for (const path of proxied) expectSecurityHeaders(await request.get(path), "page");

  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");
  expectSecurityHeaders(favicon, "page");

  const html = await (await request.get("/sign-in")).text();
  const script = html.match(/<script src="(\/_next\/static\/[^"]+\.js)"/)?.[1] ?? "";
  expect(script, "a Next.js script on the sign-in page").not.toBe("");
  expectSecurityHeaders(await request.get(script), "page");

  // The routes that take bodies send the headers themselves (the proxy would read bodies whole).
  const bearer = { authorization: `Bearer ${e2eServiceToken}` };
  const api = [
    await request.get("/api/trpc/health.check"),
    await request.post("/api/trpc/credits.transfer", { data: {} }),
    await request.post("/api/webhooks/stripe", { data: {} }),
    await request.get("/api/credits/nobody/balance", { headers: bearer }),
    await request.post("/api/credits/nobody/deduct", { data: {}, headers: bearer }),
    await request.get("/api/subscriptions/nobody", { headers: bearer }),
    await request.post("/api/usage/nobody/track", { data: {}, headers: bearer }),
    await request.get("/api/credits/no/such/route", { headers: bearer }),
    await request.get("/api/credits/nobody/balance"),
  ];
  for (const response of api) expectSecurityHeaders(response, "api");
});

test("[WEB][HEADERS] HSTS only when a trusted proxy says the request came over HTTPS", async ({
  request,
}) => {
  const https = { "x-forwarded-proto": "https" };
  // This instance trusts no proxy: a client's own X-Forwarded-Proto counts for nothing.
  expectSecurityHeaders(await request.get("/sign-in", { headers: https }), "page");
  // The instance without payments trusts one proxy (playwright.config.ts).
  const behindProxy = await request.get(`${noPaymentsUrl}/sign-in`, { headers: https });
  expectSecurityHeaders(behindProxy, "page", { https: true });
  expect(behindProxy.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  expectSecurityHeaders(await request.get(`${noPaymentsUrl}/sign-in`), "page");
  expectSecurityHeaders(
    await request.post(`${noPaymentsUrl}/api/trpc/credits.transfer`, { data: {}, headers: https }),
    "api",
    { https: true },
  );
});

test("[WEB][HEADERS] each page gets its own nonce, and Next.js puts it on every script", async ({
  request,
}) => {
  const nonces = new Set<string>();
  for (let visit = 0; visit < 2; visit++) {
    const response = await request.get("/sign-in");
    const nonce = response.headers()["content-security-policy"]?.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeDefined();
    nonces.add(nonce ?? "");
    const scripts = (await response.text()).match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(2);
});

test("[WEB][HEADERS] pages run under the CSP without a violation: sign-up, sign-in and every page hydrate", async ({
  page,
}) => {
  const watch = await watchForCspViolations(page);
  // Both forms submit through React (next-auth's signIn): they work only once the page hydrated.
  const user = await signUp(page);
  for (const path of ["/history", "/purchases", "/usage", "/billing", "/transfer", "/account"]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
  }
  // Client-side navigation is React's too.
  await page.getByRole("link", { name: "Usage" }).first().click();
  await expect(page).toHaveURL(/\/usage$/);
  await page.context().clearCookies();
  await signIn(page, user);
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  watch.expectNone();
});
