import { billingConfigFrom, createCaller } from "@credits/credits";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { noPaymentsUrl } from "./environment.ts";
import { signUp, withUser } from "./helpers.ts";

// The instance of the app started without Stripe's keys (playwright.config.ts): a deployment that
// has not set up payments still shows its plans, says so, and honours the tiers operators set.
test.use({ baseURL: noPaymentsUrl });

test("[WEB][BILLING] without Stripe keys: the plans, a clear note that payments are not configured, and a tier an operator set", async ({
  page,
  request,
}, testInfo) => {
  const user = await signUp(page, "No Payments Here");
  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(
    page.getByRole("status").filter({ hasText: "Payments are not configured" }),
  ).toHaveText(
    "Payments are not configured on this server yet, so plans and credits cannot be bought here. An administrator can still change your plan.",
  );
  await expect(page.getByTestId("current-tier")).toHaveText("Free");
  await expect(page.getByTestId("plan-FREE")).toContainText("Your current plan");
  await expect(page.getByTestId("plan-PRO")).toContainText("$19.00");
  await expect(page.getByTestId("plan-PRO")).toContainText("1,000 credits a month");
  await expect(page.getByTestId("plan-PREMIUM")).toContainText("$49.00");
  await expect(page.getByRole("heading", { name: "Buy credits" })).toBeVisible();
  await expect(page.getByText("$5.00 · never expire")).toBeVisible();
  // Nothing that would need Stripe is offered.
  await expect(
    page.getByRole("button", { name: /^(Upgrade to|Buy |Payment methods)/ }),
  ).toHaveCount(0);
  await saveScreenshot(page, testInfo, "billing-without-stripe");

  // Stripe's webhook is off too: it says so rather than failing.
  const webhook = await request.post("/api/webhooks/stripe", { data: "{}" });
  expect(webhook.status()).toBe(503);

  // An operator puts the user on Pro by hand (admin.subscriptions.setTier, as the admin app does).
  await withUser("admin@example.com", (db, adminId) =>
    withUser(user.email, (_, userId) =>
      createCaller({
        db,
        session: { user: { id: adminId, email: "admin@example.com", role: "ADMIN" } },
        billing: billingConfigFrom({}),
        origin: noPaymentsUrl,
      }).admin.subscriptions.setTier({ userId, tier: "PRO", reason: "e2e: comp without Stripe" }),
    ),
  );
  await page.reload();
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  await expect(page.getByText("Your plan was set up for you by our team.")).toBeVisible();
  await expect(page.getByTestId("plan-PRO")).toContainText("Your current plan");
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByTestId("quota-reports")).toContainText("0 of 100");
});
