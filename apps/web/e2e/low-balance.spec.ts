import { auditPage, waitUntilSettled } from "@credits/playwright-config/page-audit";
import { expect, test } from "@playwright/test";
import { availableBalance, grantTo, signUp } from "./helpers.ts";

// The servers run without CREDITS_LOW_BALANCE_THRESHOLD (default 0: no alert), so only the user's
// own threshold brings the banner here.

test("[WEB][ALERTS] set a low-balance alert in account settings; spending below it shows the banner", async ({
  page,
}, testInfo) => {
  const user = await signUp(page);
  await grantTo(user.email, 150);
  await page.goto("/account");
  const alerts = page.getByRole("region", { name: "Low-balance alerts" });
  const form = alerts.getByRole("group", {
    name: "Alert me when available credits in Default fall below",
  });
  await expect(form.getByLabel("Use default (no alert)")).toBeChecked();

  // The shared schema's messages, said beside the field.
  await form.getByLabel("My own number").check();
  const threshold = alerts.getByLabel("Alert below (credits)");
  await threshold.fill("-3");
  await alerts.getByRole("button", { name: "Save alert" }).click();
  await expect(alerts.getByText("The threshold must be 0 (no alert) or more.")).toBeVisible();
  await expect(threshold).toHaveAttribute("aria-invalid", "true");
  await threshold.fill("2.5");
  await alerts.getByRole("button", { name: "Save alert" }).click();
  await expect(alerts.getByText("The threshold must be a whole number of credits.")).toBeVisible();

  // Keyboard only: the value, then Enter submits the form.
  await threshold.fill("");
  await threshold.focus();
  await page.keyboard.type("50");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Saved. Alert below 50 credits in Default.")).toBeVisible();
  await expect(alerts.getByText("Now: Alert below 50 credits; 150 available.")).toBeVisible();
  const banner = page.getByRole("region", { name: "Low balance" });
  await expect(banner).toHaveCount(0);

  await page.goto("/purchases");
  await page.getByRole("button", { name: "Buy Market overview report for 120 credits" }).click();
  await expect(availableBalance(page)).toHaveText("30");
  await expect(banner).toContainText(
    "Your credits are running low: 30 available, below your alert at 50 credits.",
  );
  await page.goto("/");
  await expect(banner).toBeVisible();
  await auditPage(page, testInfo, "web-low-balance-banner");
  // A phone loads the page at its own width (a resized page keeps what it laid out at 1280 px).
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await waitUntilSettled(page, "Available credits");
  await expect(banner).toBeVisible();
  await auditPage(page, testInfo, "web-low-balance-banner");
  await page.goto("/account");
  await waitUntilSettled(page, "Account");
  await expect(alerts.getByLabel("Alert below (credits)")).toHaveValue("50");
  await auditPage(page, testInfo, "web-low-balance-settings");

  await banner.getByRole("link", { name: "Buy credits" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/billing$/);

  // Back to the default (no alert): the banner goes.
  await page.goto("/account");
  await form.getByLabel("Use default (no alert)").check();
  await alerts.getByRole("button", { name: "Save alert" }).click();
  await expect(page.getByText("Saved. No alert (default) in Default.")).toBeVisible();
  await expect(banner).toHaveCount(0);
});
