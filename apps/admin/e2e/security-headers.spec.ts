import {
  expectSecurityHeaders,
  watchForCspViolations,
} from "@credits/playwright-config/security-headers";
import { expect, test } from "@playwright/test";
import { admin, signIn } from "./session.ts";

test("[ADMIN][HEADERS] pages, assets, 404s and the API answer with the security headers", async ({
  request,
}) => {
  for (const path of ["/sign-in", "/no-such-page", "/health", "/health/ready", "/api/auth/csrf"]) {
    expectSecurityHeaders(await request.get(path), "page");
  }
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");
  expectSecurityHeaders(favicon, "page");
  // The tRPC route takes bodies, so it sends the headers itself (the proxy would read them whole).
  expectSecurityHeaders(await request.get("/api/trpc/health.check"), "api");
  expectSecurityHeaders(await request.post("/api/trpc/admin.users.search", { data: {} }), "api");
  // A client's own X-Forwarded-Proto brings no HSTS: this app trusts no proxy.
  const spoofed = { "x-forwarded-proto": "https" };
  expectSecurityHeaders(await request.get("/sign-in", { headers: spoofed }), "page");
});

test("[ADMIN][HEADERS] the console runs under the CSP without a violation and hydrates", async ({
  page: operator,
}) => {
  const watch = await watchForCspViolations(operator);
  await signIn(operator, admin);
  for (const path of [
    "/overview",
    "/users",
    "/bulk-grant",
    "/stripe-events",
    "/tokens",
    "/audit",
  ]) {
    expectSecurityHeaders((await operator.goto(path)) ?? fail(path), "page");
    await expect(operator.locator("main")).toBeVisible();
  }
  // Client-side navigation works only in a hydrated page.
  await operator.getByRole("link", { name: "Account" }).first().click();
  await expect(operator).toHaveURL(/\/account$/);
  watch.expectNone();
});

test("[ADMIN][HEADERS] the 403 page of a non-administrator carries the headers", async ({
  page: user,
}) => {
  await signIn(user, { email: "user@example.com", password: "demo-password" });
  const forbidden = (await user.goto("/users")) ?? fail("/users");
  expect(forbidden.status()).toBe(403);
  expectSecurityHeaders(forbidden, "page");
});

function fail(path: string): never {
  throw new Error(`no response for ${path}`);
}
