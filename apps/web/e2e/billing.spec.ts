import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, type Page, test } from "@playwright/test";
import { fakeStripeUrl } from "./environment.ts";
import { availableBalance, availableCreditsOf, signUp, withUser } from "./helpers.ts";

/** On the fake Stripe Checkout page: pays, and Stripe's webhooks reach the app before returning. */
async function payOnCheckout(page: Page) {
  await expect(page).toHaveURL(new RegExp(`^${fakeStripeUrl.replaceAll(".", "\\.")}/checkout/cs_`));
  await expect(page.getByRole("heading", { name: "Fake Stripe Checkout" })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText("Your payment went through")).toBeVisible();
  // Back on the billing page, which drops Checkout's query once it has said thank you.
  await expect(page).toHaveURL(/\/billing$/);
}

/** The user's Stripe subscription, as the fake has it. */
async function fakeSubscriptionOf(email: string) {
  const id = await withUser(email, async (db, userId) => {
    const row = await db.subscription.findUniqueOrThrow({ where: { userId } });
    return row.stripeSubscriptionId ?? "";
  });
  const state = (await (await fetch(`${fakeStripeUrl}/_fake/state`)).json()) as {
    subscriptions: Record<string, { id: string; cancel_at_period_end: boolean; status: string }>;
  };
  const subscription = state.subscriptions[id];
  if (!subscription) throw new Error(`the fake has no subscription ${id}`);
  return subscription;
}

/** Signs up a new user and subscribes them to Pro through (fake) Stripe Checkout. */
async function subscribeToPro(page: Page) {
  const user = await signUp(page, "Billing Tester");
  await page.getByRole("link", { name: "Billing" }).click();
  await page.getByRole("button", { name: "Upgrade to Pro" }).click();
  await payOnCheckout(page);
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  return user;
}

test("[WEB][BILLING] upgrade through Checkout: the new tier, its allowance and quotas on the pages; buy a credit pack", async ({
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
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  await expect(page.getByTestId("plan-PRO")).toContainText("Your current plan");
  await expect(page.getByRole("button", { name: "Upgrade to Premium" })).toBeVisible();
  const renewal = page.getByTestId("renewal");
  await expect(renewal).toHaveText(/^Renews on .+\.$/);
  const renewsOn = ((await renewal.textContent()) ?? "").replace(/^Renews on (.+)\.$/, "$1");
  await saveScreenshot(page, testInfo, "billing-pro");

  // The allowance, as the dashboard shows it: the balance, the grant in the activity, expiring
  // with the period.
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(availableBalance(page)).toHaveText("1,000");
  const grant = page.getByRole("listitem").filter({ hasText: "Pro plan: monthly credits" });
  await expect(grant).toContainText("+1,000");
  await expect(grant).toContainText("by billing");
  await expect(
    page.getByRole("listitem").filter({ hasText: "1,000 credits" }).filter({ hasText: "expire" }),
  ).toContainText(`expire ${renewsOn}`);
  expect(await availableCreditsOf(user.email)).toBe(1_000);

  // The quotas are Pro's now.
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("quota-reports")).toContainText("0 of 100");
  await expect(page.getByTestId("quota-api_calls")).toContainText("0 of 50,000");
  await expect(page.getByTestId("quota-exports")).toContainText("0 of 50");
  await saveScreenshot(page, testInfo, "usage");

  // A credit pack the same way: 500 more credits.
  await page.getByRole("link", { name: "Billing" }).click();
  await page.getByRole("button", { name: "Buy 500 credits for $5.00" }).click();
  await payOnCheckout(page);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(availableBalance(page)).toHaveText("1,500");
  await expect(page.getByRole("listitem").filter({ hasText: "Bought 500 credits" })).toContainText(
    "+500",
  );
  expect(await availableCreditsOf(user.email)).toBe(1_500);
});

test("[WEB][BILLING] cancel at period end, then resume, as the page and Stripe both have it", async ({
  page,
}, testInfo) => {
  const user = await subscribeToPro(page);
  await page.getByRole("button", { name: "Cancel plan" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel your plan?" });
  await expect(dialog).toContainText("You keep Pro and its credits until");
  await saveScreenshot(page, testInfo, "billing-cancel-dialog");
  await dialog.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(page.getByText("Your plan will end at the end of this period.")).toBeVisible();
  await expect(page.getByTestId("renewal")).toContainText("Ends on");
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  // Not just what the page remembers: after a reload, and in Stripe.
  await page.reload();
  await expect(page.getByTestId("renewal")).toContainText("you keep it until then");
  await expect(page.getByRole("button", { name: "Resume plan" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel plan" })).toHaveCount(0);
  expect((await fakeSubscriptionOf(user.email)).cancel_at_period_end).toBe(true);
  await saveScreenshot(page, testInfo, "billing-ending");

  await page.getByRole("button", { name: "Resume plan" }).click();
  await expect(page.getByText("Your plan continues; nothing changes.")).toBeVisible();
  await expect(page.getByTestId("renewal")).toContainText("Renews on");
  await page.reload();
  await expect(page.getByTestId("renewal")).toContainText("Renews on");
  await expect(page.getByRole("button", { name: "Cancel plan" })).toBeVisible();
  expect((await fakeSubscriptionOf(user.email)).cancel_at_period_end).toBe(false);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("current-tier")).toBeVisible();
  await saveScreenshot(page, testInfo, "billing-phone");
});

test("[WEB][BILLING] a failed renewal keeps Pro through the grace period, then Free's limits until a payment", async ({
  page,
}, testInfo) => {
  const user = await subscribeToPro(page);
  const subscription = await fakeSubscriptionOf(user.email);
  // Stripe fails to collect the next period and tells the app (the fake posts the events).
  const failed = await fetch(
    `${fakeStripeUrl}/_fake/subscriptions/${subscription.id}/fail_payment`,
    {
      method: "POST",
    },
  );
  expect(failed.status).toBe(200);
  await page.reload();
  await expect(page.getByText("Payment overdue")).toBeVisible();
  await expect(page.getByTestId("current-tier")).toHaveText("Pro");
  await expect(
    page.getByText("Your last payment failed. Update your payment method before"),
  ).toBeVisible();
  await saveScreenshot(page, testInfo, "billing-past-due");

  // Eight days on (the stored start of the grace period moved back): Free's limits apply.
  await withUser(user.email, (db, userId) =>
    db.subscription.update({
      where: { userId },
      data: { pastDueSince: new Date(Date.now() - 8 * 86_400_000) },
    }),
  );
  await page.reload();
  await expect(page.getByTestId("current-tier")).toHaveText("Free");
  await expect(page.getByText("the grace period ended on")).toBeVisible();
  await expect(page.getByTestId("plan-PRO")).toContainText(
    "Your plan, back as soon as a payment goes through",
  );
  // The way back is paying this subscription, not a second one.
  await expect(page.getByRole("button", { name: /^Upgrade to / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Payment methods & invoices" })).toBeVisible();
  await saveScreenshot(page, testInfo, "billing-grace-over");
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByTestId("quota-reports")).toContainText("0 of 5");
});

test("[WEB][BILLING] not enough credits links to where more can be bought", async ({ page }) => {
  await signUp(page, "Short Of Credits");
  await page.getByRole("link", { name: "Purchases" }).click();
  await expect(page.getByRole("button", { name: /^Buy .* for / }).first()).toBeDisabled();
  const shortfall = page.getByText(/^Not enough credits/).first();
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
