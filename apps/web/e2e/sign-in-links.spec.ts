// A customer another backend created over REST becomes a web sign-in through a sign-in link: the
// backend makes the link, the person opens it, chooses an email and a password, and lands on the
// dashboard with the credits the backend gave them. The link then works no more.
import { randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { e2eServiceToken, firstInstanceUrl } from "./environment.ts";
import { availableBalance } from "./helpers.ts";

const headers = {
  authorization: `Bearer ${e2eServiceToken}`,
  "content-type": "application/json",
};

async function post(path: string, body: unknown) {
  const response = await fetch(new URL(path, firstInstanceUrl), {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  expect(response.status, path).toBe(200);
  return response.json();
}

test("[WEB][CUSTOMERS] a customer made by the API signs in through the link its backend made", async ({
  page,
}, testInfo) => {
  const externalId = `e2e-${randomUUID()}`;
  await post("/api/customers", { id: externalId });
  await post(`/api/credits/${externalId}/add`, { amount: 75, description: "welcome credits" });
  const link = await post(`/api/customers/${externalId}/sign-in-link`, {});

  await page.goto(link.path);
  await expect(page.getByRole("heading", { name: "Set up your sign-in" })).toBeVisible();
  await saveScreenshot(page, testInfo, "web-claim");
  // The form says what is wrong with each field before anything is changed.
  await page.getByLabel("Email").fill("not an email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByText("Email must be an email address.")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();

  const email = `${externalId}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Grace");
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(availableBalance(page)).toHaveText("75");

  // The link is used up: opened again (signed out), it says so.
  await page.context().clearCookies();
  await page.goto(link.path);
  await expect(page.getByText("This sign-in link has expired or was already used")).toBeVisible();
  // And the new password is the customer's sign-in from now on.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(availableBalance(page)).toHaveText("75");
});

test("[WEB][CUSTOMERS] the claim page without a link's code says what to do", async ({ page }) => {
  await page.goto("/claim");
  await expect(page.getByText("This page needs the whole sign-in link")).toBeVisible();
});

test("[WEB][API] every path of the OpenAPI document is answered by the REST handler, not Next's 404 page", async () => {
  const document = await (await fetch(new URL("/api/openapi.json", firstInstanceUrl))).json();
  const paths = Object.keys(document.paths).filter((path: string) => path.startsWith("/api/"));
  expect(paths).toContain("/api/customers");
  for (const template of paths) {
    const path = template.replaceAll(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
    // Without a token: the handler's own 401 (JSON, with the error code) proves it answered.
    const response = await fetch(new URL(path, firstInstanceUrl), { method: "POST", body: "{}" });
    expect(response.headers.get("content-type"), template).toMatch(/^application\/json/);
    expect((await response.json()).error?.code, template).toBeTruthy();
  }
});
