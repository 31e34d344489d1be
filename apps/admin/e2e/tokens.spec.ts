import { randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { webUrl } from "./environment.ts";
import { admin, signIn, withDatabase } from "./session.ts";

/** Calls the web app's REST API (started next to this app) as another backend would. */
async function balanceWith(token: string, userId: string): Promise<number> {
  const response = await fetch(`${webUrl}/api/credits/${userId}/balance`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

test("[ADMIN][TOKENS] creates a service token shown once, sees its use by the REST API, and revokes it", async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const userId = await withDatabase(
    async (db) => (await db.user.findUniqueOrThrow({ where: { email: "user@example.com" } })).id,
  );
  await signIn(page, admin);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Service tokens" })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Service tokens" })).toBeVisible();

  // What is missing is said next to the field.
  await page.getByLabel(/^read:/).uncheck();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(
    page.getByText("Give the token a name, e.g. the backend that will use it."),
  ).toBeVisible();
  await expect(page.getByText("Choose at least one scope.")).toBeVisible();

  const name = `Reports worker ${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/^read:/).check();
  await page.getByLabel(/^write:/).check();
  await page.getByRole("button", { name: "Create token" }).click();

  // The secret, once, with a warning and a copy button.
  const shown = page.getByRole("dialog", { name: `Token for “${name}”` });
  await expect(shown.getByRole("status").first()).toContainText("shown only this once");
  const secret = await shown.getByTestId("new-token").inputValue();
  expect(secret).toMatch(/^cst_[\w-]{43}$/);
  await shown.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(shown.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await saveScreenshot(page, testInfo, "admin-token-created");
  await shown.getByRole("button", { name: "I have copied it" }).click();
  await expect(shown).toBeHidden();
  expect(await page.content()).not.toContain(secret);

  const row = page.getByTestId("service-token").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await expect(row).toContainText(`${secret.slice(0, 10)}… · created`);
  await expect(row).toContainText("by admin@example.com");
  await expect(row.getByTestId("token-use")).toHaveText("Never used");
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  // Another backend uses it against the web app; the list shows when.
  expect(await balanceWith(secret, userId)).toBe(200);
  await expect(async () => {
    await page.reload();
    await expect(row.getByTestId("token-use")).toContainText("Last used", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await saveScreenshot(page, testInfo, "admin-tokens");

  // A change it makes with no ledger entry is in the audit log, with who the backend says did it.
  const customerId = `e2e-${randomUUID().slice(0, 8)}`;
  const upserted = await fetch(`${webUrl}/api/customers`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ id: customerId, name: "Grace", created_by: "crm:e2e" }),
  });
  expect(upserted.status).toBe(200);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Audit log" })
    .click();
  const audited = page
    .getByTestId("audit-entries")
    .getByRole("row")
    .filter({ hasText: "Created a customer" })
    .first();
  await expect(audited).toContainText(`token ${name}`);
  await expect(audited).toContainText("(recorded by crm:e2e)");
  await audited.getByRole("link", { name: `token ${name}` }).click();
  await expect(page.getByText("Showing one service token's actions.")).toBeVisible();
  await expect(page.getByTestId("audit-entries").getByRole("row")).toHaveCount(1);
  await saveScreenshot(page, testInfo, "admin-audit-token");
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Service tokens" })
    .click();

  // Revoking asks first, by keyboard too: Escape keeps the token.
  const revoke = row.getByRole("button", { name: `Revoke ${name}` });
  await revoke.focus();
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await expect(confirm).toContainText("This cannot be undone");
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Active");
  await revoke.click();
  await saveScreenshot(page, testInfo, "admin-token-revoke");
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText(`Revoked “${name}”.`)).toBeVisible();
  await expect(row).toContainText("Revoked");
  await expect(row.getByTestId("token-use")).toContainText("· revoked");
  await expect(revoke).toHaveCount(0);

  // The web app refuses it within seconds (it trusts a verified token for 5).
  await expect.poll(() => balanceWith(secret, userId), { timeout: 10_000 }).toBe(401);
  // Recorded: the last use, the revocation and both operator actions in the audit log.
  const stored = await withDatabase(async (db) => {
    const token = await db.serviceToken.findFirstOrThrow({ where: { name } });
    const audit = await db.auditLog.findMany({
      where: { after: { path: ["tokenId"], equals: token.id } },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    return { token, actions: audit.map((entry) => entry.action) };
  });
  expect(stored.token.lastUsedAt).not.toBeNull();
  expect(stored.token.revokedAt).not.toBeNull();
  expect(stored.actions).toEqual(["token.create", "token.revoke"]);

  // At a phone's width nothing spills sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(row).toContainText("Revoked");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  await saveScreenshot(page, testInfo, "admin-tokens-phone");
});

test("[ADMIN][TOKENS] a token with only the webhooks scope manages webhook endpoints over REST and nothing else; write alone cannot", async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await page.goto("/tokens");
  const created: Record<string, string> = {};
  for (const scope of ["webhooks", "write"] as const) {
    const name = `${scope} only ${randomUUID().slice(0, 8)}`;
    await page.getByLabel("Name").fill(name);
    for (const other of ["read", "write", "webhooks"]) {
      await page.getByLabel(new RegExp(`^${other}:`)).setChecked(other === scope);
    }
    if (scope === "webhooks") await saveScreenshot(page, testInfo, "admin-token-webhooks-scope");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByRole("dialog", { name: `Token for “${name}”` });
    created[scope] = await shown.getByTestId("new-token").inputValue();
    await shown.getByRole("button", { name: "I have copied it" }).click();
    await expect(
      page.getByTestId("service-token").filter({ hasText: name }).getByText(scope, { exact: true }),
    ).toBeVisible();
  }
  const endpoints = (token: string | undefined) =>
    fetch(`${webUrl}/api/webhook-endpoints`, { headers: { authorization: `Bearer ${token}` } });
  expect((await endpoints(created.webhooks)).status).toBe(200);
  expect((await endpoints(created.write)).status).toBe(403);
  const userId = await withDatabase(
    async (db) => (await db.user.findUniqueOrThrow({ where: { email: "user@example.com" } })).id,
  );
  expect(await balanceWith(created.webhooks ?? "", userId)).toBe(403);
});
