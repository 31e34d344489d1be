import { expectHealthyApp } from "@credits/playwright-config/health";
import { expectAppIcons } from "@credits/playwright-config/icons";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";

test("[ADMIN][SMOKE] anonymous visitors land on the operator sign-in, which reports the service as healthy", async ({
  page,
}, testInfo) => {
  await page.goto("/users");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { level: 1, name: "Operator sign-in" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("All systems operational");
  await saveScreenshot(page, testInfo, "admin-sign-in");
});

test("[ADMIN][HEALTH] /health answers ok and /health/ready sees the database", async ({
  request,
}) => {
  await expectHealthyApp(request);
});

test("[ADMIN][ICONS] /favicon.ico answers, and every page names its icons", async ({ request }) => {
  await expectAppIcons(request);
});
