// An operator turns a customer another backend created into a web sign-in: a sign-in link made on
// the user page (with a reason for the audit log), shown once, which the customer opens on the web
// app to choose an email and a password.
import { randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { webUrl } from "./environment.ts";
import { admin, signIn, withDatabase } from "./session.ts";

test("[ADMIN][CUSTOMERS] an operator makes a sign-in link, and the customer signs in with it on the web app", async ({
  page,
}, testInfo) => {
  // Two apps and two browser contexts in one flow.
  test.slow();
  const externalId = `e2e-admin-${randomUUID()}`;
  const customer = await withDatabase((db) =>
    db.user.create({ data: { externalId }, select: { id: true } }),
  );

  await signIn(page, admin);
  await page.goto(`/users/${customer.id}`);
  await expect(page.getByRole("heading", { name: `Customer ${externalId}` })).toBeVisible();
  await page.getByRole("button", { name: "Create sign-in link" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByLabel("Why").fill("The customer wants to use the dashboard");
  await confirm.getByRole("button", { name: "Create link" }).click();
  const shown = page.getByRole("dialog", { name: `Sign-in link for customer ${externalId}` });
  await expect(shown.getByText("it is shown only this once")).toBeVisible();
  await saveScreenshot(page, testInfo, "admin-sign-in-link");
  const path = await shown.getByTestId("sign-in-link").inputValue();
  expect(path).toMatch(/^\/claim#[A-Za-z0-9_-]{43}$/);
  await shown.getByRole("button", { name: "I have copied it" }).click();
  await expect(shown).toBeHidden();

  const audit = await withDatabase((db) =>
    db.auditLog.findFirst({ where: { targetUserId: customer.id }, select: { action: true } }),
  );
  expect(audit).toEqual({ action: "user.sign_in_link_created" });

  const browser = await page.context().browser()?.newContext();
  if (!browser) throw new Error("no browser to open the web app in");
  const web = await browser.newPage();
  await web.goto(`${webUrl}${path}`);
  await web.getByLabel("Email").fill(`${externalId}@example.com`);
  await web.getByLabel("Password").fill("a long password");
  await web.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(web.getByRole("heading", { name: "Available credits" })).toBeVisible();
  await browser.close();

  // With a password now, the customer is offered no new link.
  await page.reload();
  await expect(page.getByRole("heading", { name: `${externalId}@example.com` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create sign-in link" })).toHaveCount(0);
});
