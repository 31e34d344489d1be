// Sessions end on the server: signing out (here or everywhere), a password change and an operator
// end them, and the cookie a browser held stops working everywhere it was copied to.
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
import { firstInstanceUrl, secondInstanceUrl } from "./environment.ts";
import { signIn, signUp } from "./helpers.ts";

test("[WEB][SESSION] signing out ends the session on the server: its old cookie no longer works", async ({
  page,
}) => {
  const user = await signUp(page);
  const cookie = await pageSessionCookie(page);
  for (const instance of [firstInstanceUrl, secondInstanceUrl])
    expect(await signedInEmail(instance, cookie)).toBe(user.email);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // On every instance: the other one reads the same database.
  for (const instance of [firstInstanceUrl, secondInstanceUrl])
    expect(await signedInEmail(instance, cookie)).toBeNull();
  const balance = await rawRequest(firstInstanceUrl, "/api/trpc/credits.balance", {
    headers: { cookie },
  });
  expect(balance.status).toBe(401);
  const dashboard = await rawRequest(firstInstanceUrl, "/", { headers: { cookie } });
  expect(dashboard.status).toBe(307);
  expect(dashboard.headers.location).toMatch(/\/sign-in$/);
});

test("[WEB][AUTH] sign-in redirects go to the trusted host that served the request, and untrusted hosts are refused", async ({
  page,
}) => {
  const user = await signUp(page);
  const port = new URL(firstInstanceUrl).port;
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
    await expectSignInRedirectsTo(firstInstanceUrl, user, host);
  await expectSignInRefusedFor(firstInstanceUrl, user, "credits.evil.example");
  // Nobody is signed in through that host, and its sign-in page says why.
  const cookie = sessionCookieOf((await formSignIn(firstInstanceUrl, user)).cookies) ?? "";
  const signInPage = await rawRequest(firstInstanceUrl, "/sign-in", {
    host: "credits.evil.example",
    headers: { cookie },
  });
  expect(signInPage.status).toBe(200);
  expect(signInPage.body).toContain("not set up to sign in at this address");
  const dashboard = await rawRequest(firstInstanceUrl, "/", {
    host: "credits.evil.example",
    headers: { cookie },
  });
  expect(dashboard.headers.location).toMatch(/\/sign-in$/);
});

test("[WEB][SESSION] signing out everywhere ends the sessions of every browser, this one included", async ({
  page,
  browser,
}, testInfo) => {
  const user = await signUp(page);
  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await signIn(otherPage, user);
  const otherCookie = await pageSessionCookie(otherPage);
  const thisCookie = await pageSessionCookie(page);

  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${user.email}`)).toBeVisible();
  await saveScreenshot(page, testInfo, "web-account");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  for (const cookie of [thisCookie, otherCookie])
    expect(await signedInEmail(firstInstanceUrl, cookie)).toBeNull();
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await elsewhere.close();
});

test("[WEB][SESSION] a password change keeps this browser signed in and ends every other session", async ({
  page,
  browser,
}) => {
  const user = await signUp(page);
  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await signIn(otherPage, user);
  const otherCookie = await pageSessionCookie(otherPage);

  await page.goto("/account");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("an even longer password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your current password is wrong.")).toBeVisible();
  expect(await signedInEmail(firstInstanceUrl, otherCookie)).toBe(user.email);

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("New password must be at least 10 characters.")).toBeVisible();

  await page.getByLabel("New password").fill("an even longer password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(
    page.getByText("Password changed. Your other sessions are signed out."),
  ).toBeVisible();

  expect(await signedInEmail(firstInstanceUrl, otherCookie)).toBeNull();
  expect(await signedInEmail(firstInstanceUrl, await pageSessionCookie(page))).toBe(user.email);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  // The old password no longer signs in; the new one does.
  const old = await formSignIn(firstInstanceUrl, user);
  expect(new URL(old.headers.location ?? "").searchParams.get("error")).toBe("CredentialsSignin");
  await signIn(otherPage, { email: user.email, password: "an even longer password" });
  await elsewhere.close();
});
