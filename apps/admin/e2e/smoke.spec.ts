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
  const live = await request.get("/health");
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  const ready = await request.get("/health/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: "ok",
    checks: { database: { status: "ok" } },
  });
});
