// Operators' sessions end on the server too, an operator can end a user's, and the console's
// sign-in stays on its own host.
import { randomUUID } from "node:crypto";
import { hashPassword } from "@credits/auth";
import {
  expectSignInRedirectsTo,
  expectSignInRefusedFor,
  formSignIn,
  pageSessionCookie,
  rawRequest,
  sessionCookieOf,
  signedInEmail,
} from "@credits/playwright-config/auth-http";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { adminUrl, webUrl } from "./environment.ts";
import { admin, signIn, withDatabase } from "./session.ts";

test("[ADMIN][SESSION] signing out of the console ends the session: its old cookie no longer works", async ({
  page,
}) => {
  await signIn(page, admin);
  const cookie = await pageSessionCookie(page);
  expect(await signedInEmail(adminUrl, cookie)).toBe(admin.email);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  expect(await signedInEmail(adminUrl, cookie)).toBeNull();
  const overview = await rawRequest(adminUrl, "/overview", { headers: { cookie } });
  expect(overview.status).toBe(307);
  expect(overview.headers.location).toMatch(/\/sign-in$/);
});

test("[ADMIN][AUTH] sign-in redirects stay on the console's host, and untrusted hosts are refused", async () => {
  await expectSignInRedirectsTo(adminUrl, admin, new URL(adminUrl).host);
  await expectSignInRefusedFor(adminUrl, admin, "console.evil.example");
});

/** A new user with a password, straight in the database, for tests that end their sessions. */
async function newUserWithPassword(role: "USER" | "ADMIN") {
  const user = { email: `e2e-sessions-${randomUUID()}@example.com`, password: "a long password" };
  const passwordHash = await hashPassword(user.password);
  await withDatabase((db) => db.user.create({ data: { email: user.email, role, passwordHash } }));
  return user;
}

/** A session cookie of `credentials` on the web app, as a browser signed in there would hold. */
async function webSession(credentials: { email: string; password: string }): Promise<string> {
  const cookie = sessionCookieOf((await formSignIn(webUrl, credentials)).cookies);
  if (!cookie) throw new Error("signing in on the web app gave no session");
  return cookie;
}

test("[ADMIN][SESSION] an operator ends a user's sessions from the user page, with the reason audited", async ({
  page,
}, testInfo) => {
  const user = await newUserWithPassword("USER");
  const [laptop, phone] = [await webSession(user), await webSession(user)];
  expect(await signedInEmail(webUrl, laptop)).toBe(user.email);

  await signIn(page, admin);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Search by email, name or id").fill(user.email);
  await page.getByTestId("user-results").getByRole("link", { name: user.email }).click();
  await expect(page.getByRole("heading", { name: user.email })).toBeVisible();
  await page.getByRole("button", { name: "End sessions" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Why").fill("Reported a stolen phone");
  await saveScreenshot(page, testInfo, "admin-end-sessions");
  await dialog.getByRole("button", { name: "End sessions" }).click();
  await expect(page.getByText(`Every session of ${user.email} is signed out.`)).toBeVisible();

  for (const cookie of [laptop, phone]) expect(await signedInEmail(webUrl, cookie)).toBeNull();
  // Signing in again works; the operator's own session goes on.
  expect(await signedInEmail(webUrl, await webSession(user))).toBe(user.email);
  await page.getByRole("link", { name: "Audit log" }).click();
  const latest = page.getByTestId("audit-entries").getByRole("row").first();
  await expect(latest).toContainText("Ended sessions");
  await expect(latest).toContainText("admin@example.com (you)");
  await expect(latest).toContainText("“Reported a stolen phone”");
});

test("[ADMIN][SESSION] signing out everywhere from the console ends the operator's sessions in both apps", async ({
  page,
}) => {
  const operator = await newUserWithPassword("ADMIN");
  const onWeb = await webSession(operator);
  await signIn(page, operator);
  const inConsole = await pageSessionCookie(page);

  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  expect(await signedInEmail(adminUrl, inConsole)).toBeNull();
  expect(await signedInEmail(webUrl, onWeb)).toBeNull();
});
