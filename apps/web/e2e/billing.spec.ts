import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, type Page, test } from "@playwright/test";
import { fakeStripeUrl } from "./environment.ts";
import { availableBalance, availableCreditsOf, signUp } from "./helpers.ts";

/** On the fake Stripe Checkout page: pays, and Stripe's webhooks reach the app before returning. */
async function payOnCheckout(page: Page) {
  await expect(page).toHaveURL(new RegExp(`^${fakeStripeUrl.replaceAll(".", "\\.")}/checkout/cs_`));
  await expect(page.getByRole("heading", { name: "Fake Stripe Checkout" })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/billing\?(checkout|purchase)=success/);
}

test("[WEB][BILLING] upgrade through Checkout: new tier, allowance and quotas; buy a credit pack; cancel and resume", async ({
  page,
}, testInfo) => {
  const user = await signUp(page, "Billing Tester");
  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(page.getByTestId("current-tier")).toHaveText("Free");
  await expect(page.getByTestId("plan-PRO")).toContainText("$19.00");
  await saveScreenshot(page, testInfo, "billing-free");

  // Upgrade: Checkout on (fake) Stripe, then back with the plan active and its credits granted.
  await page.getByRole("button", { name: "Upgrade to Pro" }).click();
  await payOnCheckout(page);
  await expect(page.getByText("Your payment went through")).toBeVisible();
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  await expect(page.getByTestId("renewal")).toContainText("Renews on");
  expect(await availableCreditsOf(user.email)).toBe(1_000);
  await saveScreenshot(page, testInfo, "billing-pro");

  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("quota-reports")).toContainText("0 of 100");
  await expect(page.getByTestId("quota-exports")).toContainText("0 of 50");
  await saveScreenshot(page, testInfo, "usage");

  // A credit pack the same way: 500 more credits.
  await page.getByRole("link", { name: "Billing" }).click();
  await page.getByRole("button", { name: "Buy 500 credits for $5.00" }).click();
  await payOnCheckout(page);
  await expect.poll(() => availableCreditsOf(user.email)).toBe(1_500);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(availableBalance(page)).toHaveText("1,500");

  // Cancel at period end, then resume before it ends.
  await page.getByRole("link", { name: "Billing" }).click();
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await page.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(page.getByTestId("renewal")).toContainText("Ends on");
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  await page.getByRole("button", { name: "Resume plan" }).click();
  await expect(page.getByTestId("renewal")).toContainText("Renews on");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("current-tier")).toBeVisible();
  await saveScreenshot(page, testInfo, "billing-phone");
});

test("[WEB][BILLING] not enough credits links to where more can be bought", async ({ page }) => {
  await signUp(page, "Short Of Credits");
  await page.getByRole("link", { name: "Purchases" }).click();
  await page
    .getByRole("button", { name: /^Buy .* for / })
    .first()
    .click();
  const shortfall = page.getByRole("alert").filter({ hasText: "Not enough credits" });
  await expect(shortfall).toBeVisible();
  await shortfall.getByRole("link", { name: "Get more credits" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Buy credits" })).toBeVisible();
});

test("[WEB][BILLING] the Stripe webhook refuses unsigned and forged events with 400", async ({
  request,
}) => {
  const body = JSON.stringify({ id: "evt_forged", type: "invoice.paid", data: { object: {} } });
  const unsigned = await request.post("/api/webhooks/stripe", { data: body });
  expect(unsigned.status()).toBe(400);
  expect(await unsigned.json()).toEqual({
    received: false,
    error: "Missing Stripe-Signature header.",
  });
  const forged = await request.post("/api/webhooks/stripe", {
    data: body,
    headers: { "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` },
  });
  expect(forged.status()).toBe(400);
});
