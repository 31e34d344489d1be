import { randomUUID } from "node:crypto";
import { grantCredits, systemActor } from "@credits/credits";
import { auditPage } from "@credits/playwright-config/page-audit";
import { expect, test } from "@playwright/test";
import { admin, signIn, withDatabase } from "./session.ts";

test("[ADMIN][ALERTS] change a user's low-balance alert with a reason; the audit log has it", async ({
  page,
}, testInfo) => {
  const user = await withDatabase(async (db) => {
    const created = await db.user.create({
      data: { email: `e2e-alert-${randomUUID()}@example.com`, name: "Alert Test" },
    });
    await grantCredits(db, systemActor, {
      userId: created.id,
      appId: "default",
      amount: 30,
      source: "PROMOTION",
      description: "E2E credits",
      idempotencyKey: randomUUID(),
    });
    return created;
  });

  await signIn(page, admin);
  await page.goto(`/users/${user.id}`);
  const alerts = page.getByRole("region", { name: "Low-balance alerts" });
  await expect(alerts.getByRole("listitem").filter({ hasText: "Default" })).toContainText(
    "No alert (default) · 30 credits available",
  );
  await alerts.getByRole("button", { name: "Change the alert in Default" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("My own number").check();
  await dialog.getByLabel("Alert below (credits)").fill("-1");
  await dialog.getByLabel("Reason for the change").fill("Asked for an early warning");
  await dialog.getByRole("button", { name: "Save alert" }).click();
  await expect(dialog.getByText("The threshold must be 0 (no alert) or more.")).toBeVisible();
  await dialog.getByLabel("Alert below (credits)").fill("40");
  await dialog.getByRole("button", { name: "Save alert" }).click();
  await expect(dialog).toHaveCount(0);
  const row = alerts.getByRole("listitem").filter({ hasText: "Default" });
  await expect(row).toContainText("Alert below 40 credits · 30 credits available");
  await expect(row).toContainText("low");
  await auditPage(page, testInfo, "admin-user-thresholds");

  await page.getByRole("link", { name: "Audit entries" }).click();
  const entry = page.getByTestId("audit-entries").getByRole("row").first();
  await expect(entry).toContainText("Low-balance threshold set");
  await expect(entry).toContainText("Low-balance threshold: none → 40");
  await expect(entry).toContainText("“Asked for an early warning”");
});
