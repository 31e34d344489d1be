import { expectHealthyApp } from "@credits/playwright-config/health";
import { expectAppIcons } from "@credits/playwright-config/icons";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";

test("[WEB][SMOKE] anonymous visitors land on sign-in, which reports the service as healthy", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(
    page.getByRole("heading", { level: 1, name: "Sign in to your credits" }),
  ).toBeVisible();
  // The status comes from the tRPC health procedure, which queries the database.
  await expect(page.getByRole("status")).toHaveText("All systems operational");
  await saveScreenshot(page, testInfo, "web-sign-in");
});

test("[WEB][SMOKE] sign-in fits a phone-width screen", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  await saveScreenshot(page, testInfo, "web-sign-in-phone");
});

test("[WEB][HEALTH] /health answers ok and /health/ready sees the database", async ({
  request,
}) => {
  await expectHealthyApp(request);
});

test("[WEB][ICONS] /favicon.ico answers, and every page names its icons", async ({ request }) => {
  await expectAppIcons(request);
});
