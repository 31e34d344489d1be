import { randomUUID } from "node:crypto";
import { grantCredits, spendCredits, systemActor } from "@credits/credits";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { admin, signIn, withDatabase } from "./session.ts";

const demoUser = { email: "user@example.com", password: "demo-password" };

test("[ADMIN][ACCESS] a signed-in non-admin gets a clear 403 page", async ({ page }, testInfo) => {
  await signIn(page, demoUser);
  await expect(page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  await expect(page.getByText("403 · Forbidden")).toBeVisible();
  // The status says so too, not only the page: a 403 for every console page.
  for (const path of ["/", "/overview", "/users"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  }
  await saveScreenshot(page, testInfo, "admin-forbidden");
});

test("[ADMIN][CREDITS] find the demo user, grant with expiry, debit, refund, and read the audit log", async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await page.getByLabel("Search by email, name or id").fill("user@");
  // Each user with their plan and what they can spend; sorted by the server, by email or date.
  const demoRow = page
    .getByTestId("user-results")
    .getByRole("row")
    .filter({ hasText: demoUser.email });
  await expect(demoRow.getByRole("cell").nth(1)).toHaveText(/^(Free|Pro|Premium)$/);
  await expect(demoRow.getByRole("cell").nth(2)).toHaveText(/^\d{1,3}(,\d{3})*$/);
  const joined = page.getByRole("columnheader", { name: "Joined" });
  await joined.getByRole("button").click();
  await expect(joined).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByRole("columnheader", { name: "User" })).not.toHaveAttribute("aria-sort");
  await page.getByTestId("user-results").getByRole("link", { name: demoUser.email }).click();
  await expect(page.getByRole("heading", { name: demoUser.email })).toBeVisible();
  // Adjustments go to the default app; its line shows that app's balance.
  const balance = page.getByTestId("app-balance-default");
  const before = Number((await balance.textContent())?.replaceAll(",", ""));

  // Grant 250 expiring at the end of next year, through the confirmation.
  const expiry = `${new Date().getFullYear() + 1}-12-31`;
  await page.getByLabel("Amount", { exact: true }).fill("250");
  await page.getByLabel("Expires on (optional)").fill(expiry);
  await page.getByLabel("Reason", { exact: true }).fill("Goodwill for the outage");
  await page.getByRole("button", { name: "Review" }).click();
  const dialog = page.getByRole("dialog");
  // Who, what, why, and the balance before → after, as every confirmation of a change says it.
  const summary = dialog.getByTestId("change-summary");
  await expect(summary).toContainText(`Who${demoUser.email} · Default`);
  await expect(summary).toContainText("WhatGrant 250 credits");
  await expect(summary).toContainText("WhyGoodwill for the outage");
  await expect(summary).toContainText(
    `Balance${before.toLocaleString("en-US")} credits → ${(before + 250).toLocaleString("en-US")} credits`,
  );
  await saveScreenshot(page, testInfo, "admin-adjust-confirm");
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(balance).toHaveText((before + 250).toLocaleString("en-US"));
  const granted = page.getByTestId("user-ledger").getByRole("row").first();
  await expect(granted).toContainText("Goodwill for the outage");
  // The operator's own grant reads as a grant by "you"; the customer reads it as by support.
  await expect(granted.getByRole("cell").nth(2)).toHaveText("Grant");
  await expect(granted.getByRole("cell").nth(3)).toHaveText("you");
  await expect(granted.getByRole("cell").nth(5)).toHaveText("+250");
  await expect(page.getByTestId("user-grants")).toContainText("expires Dec 31");

  // Debit 40.
  await page.getByRole("radio", { name: "Debit" }).check();
  await page.getByLabel("Amount", { exact: true }).fill("40");
  await page.getByLabel("Reason", { exact: true }).fill("Duplicate grant");
  await page.getByRole("button", { name: "Review" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await expect(balance).toHaveText((before + 210).toLocaleString("en-US"));

  // Refund 20 of the seeded purchase (which had 40 of 120 refunded already).
  await page.getByRole("button", { name: "Refund Market report 2026" }).click();
  const refundDialog = page.getByRole("dialog");
  await refundDialog.getByLabel("Amount (empty: all of it)").fill("20");
  await expect(refundDialog.getByTestId("change-summary")).toContainText(
    `Balance${(before + 210).toLocaleString("en-US")} credits → ${(before + 230).toLocaleString("en-US")} credits`,
  );
  await refundDialog.getByLabel("Refund reason").fill("Partial outage");
  await refundDialog.getByRole("button", { name: "Refund" }).click();
  await expect(balance).toHaveText((before + 230).toLocaleString("en-US"));
  const refunded = page.getByTestId("user-purchases").getByRole("row").first();
  await expect(refunded).toContainText("Partly refunded");
  await expect(refunded.getByRole("cell").nth(3)).toHaveText("−120");
  await expect(refunded.getByRole("cell").nth(4)).toHaveText("+60");
  await saveScreenshot(page, testInfo, "admin-user");

  await page.getByRole("link", { name: "Audit log" }).click();
  const audit = page.getByTestId("audit-entries").getByRole("row");
  // Actions and fields in words, numbers grouped, the operator's own actions marked as theirs.
  await expect(audit.nth(0)).toContainText("Refunded a purchase");
  await expect(audit.nth(0)).toContainText("admin@example.com (you)");
  await expect(audit.nth(0)).toContainText("Refunded credits: 40 → 60");
  await expect(audit.nth(1)).toContainText("Debited credits");
  await expect(audit.nth(1)).toContainText("“Duplicate grant”");
  await expect(audit.nth(2)).toContainText("Granted credits");
  await expect(audit.nth(2)).toContainText("Amount: 250");
  await saveScreenshot(page, testInfo, "admin-audit");
});

test("[ADMIN][OVERVIEW] shows the outstanding liability and the credit flows of 30 and 90 days", async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await expect(page.getByTestId("liability")).not.toHaveText("0");
  await expect(page.getByRole("heading", { name: "Granted" })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Credits spent per day over the last 30 days" }),
  ).toBeAttached();
  await page.getByRole("button", { name: "Last 90 days" }).click();
  await expect(
    page.getByRole("table", { name: "Credits spent per day over the last 90 days" }),
  ).toBeAttached();
  await saveScreenshot(page, testInfo, "admin-overview");
});

test("[ADMIN][BULK] grants to a list of users with progress, reporting unknown emails", async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await page.getByRole("link", { name: "Bulk grant" }).click();
  await page
    .getByLabel("Emails (one per line, or separated by commas)")
    .fill(`${demoUser.email}, ${admin.email}\nghost@example.com`);
  await page.getByLabel("Credits per user").fill("5");
  await page.getByLabel("Reason").fill("Sorry for the downtime");
  await page.getByRole("button", { name: "Grant to everyone listed" }).click();
  await expect(page.getByText("Finished: 3 of 3 users processed, 2 granted.")).toBeVisible();
  await expect(page.getByText("No account for: ghost@example.com")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Bulk grant progress" })).toHaveAttribute(
    "value",
    "3",
  );
  await saveScreenshot(page, testInfo, "admin-bulk-grant");
  await page.getByRole("button", { name: "Start another" }).click();
  await expect(page.getByRole("button", { name: "Grant to everyone listed" })).toBeVisible();
});

test("[ADMIN][ROLES] promote a user to administrator and back, each step in the audit log", async ({
  page,
}) => {
  const email = `e2e-role-${randomUUID()}@example.com`;
  const user = await withDatabase((db) => db.user.create({ data: { email, name: "Role Test" } }));

  await signIn(page, admin);
  await page.goto(`/users/${user.id}`);
  await expect(page.getByText("Role Test · User")).toBeVisible();
  await page.getByRole("button", { name: "Make administrator" }).click();
  await page.getByRole("dialog").getByLabel("Why").fill("Joins the support team");
  await page.getByRole("dialog").getByRole("button", { name: "Make administrator" }).click();
  await expect(page.getByText("Role Test · Administrator")).toBeVisible();
  await page.getByRole("button", { name: "Remove administrator" }).click();
  await page.getByRole("dialog").getByLabel("Why").fill("Left the team");
  await page.getByRole("dialog").getByRole("button", { name: "Remove administrator" }).click();
  await expect(page.getByText("Role Test · User")).toBeVisible();

  await page.getByRole("link", { name: "Audit entries" }).click();
  const entries = page.getByTestId("audit-entries").getByRole("row");
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0)).toContainText("Role: Admin → User");
  await expect(entries.nth(1)).toContainText("Role: User → Admin");
});

test("[ADMIN][LEDGER] filter a user's ledger by app, type and dates", async ({
  page,
}, testInfo) => {
  const user = await withDatabase(async (db) => {
    const created = await db.user.create({
      data: { email: `e2e-ledger-${randomUUID()}@example.com`, name: "Ledger Test" },
    });
    const grant = (appId: string, amount: number, description: string) =>
      grantCredits(db, systemActor, {
        userId: created.id,
        appId,
        amount,
        source: "PROMOTION",
        description,
        idempotencyKey: randomUUID(),
      });
    await grant("default", 100, "Welcome credits");
    await grant("reports", 40, "Reports pack");
    await spendCredits(db, { type: "USER", id: created.id }, created.id, {
      appId: "default",
      amount: 30,
      description: "API usage",
      idempotencyKey: randomUUID(),
    });
    return created;
  });
  const day = (offset: number) => {
    const date = new Date(Date.now() + offset * 86_400_000);
    return date.toISOString().slice(0, 10);
  };

  await signIn(page, admin);
  await page.goto(`/users/${user.id}`);
  const ledger = page.getByTestId("user-ledger").getByRole("row");
  await expect(ledger).toHaveCount(3);
  const filters = page.getByRole("group", { name: "Filter the ledger" });
  await filters.getByLabel("App").selectOption({ label: "Reports" });
  await expect(ledger).toHaveCount(1);
  await expect(ledger).toContainText("Reports pack");

  await filters.getByLabel("App").selectOption("");
  await filters.getByLabel("Type").selectOption("SPEND");
  await filters.getByLabel("From").fill(day(-1));
  await filters.getByLabel("To").fill(day(1));
  await expect(ledger).toHaveCount(1);
  await expect(ledger).toContainText("API usage");
  await saveScreenshot(page, testInfo, "admin-user-ledger-filtered");

  await filters.getByLabel("From").fill("2020-01-01");
  await filters.getByLabel("To").fill("2020-01-31");
  await expect(page.getByText("No entries match these filters")).toBeVisible();
  await filters.getByRole("button", { name: "Clear filters" }).click();
  await expect(ledger).toHaveCount(3);
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, testInfo, "admin-user-phone");
});
