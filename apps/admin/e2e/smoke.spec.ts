import { expectHealthyApp } from "@credits/playwright-config/health";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";

test("[ADMIN][SMOKE] console landing page renders and reports the service as healthy", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Credits operations" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("All systems operational");
  await saveScreenshot(page, testInfo, "admin-landing");
});

test("[ADMIN][HEALTH] /health answers ok and /health/ready sees the database", async ({
  request,
}) => {
  await expectHealthyApp(request);
});
