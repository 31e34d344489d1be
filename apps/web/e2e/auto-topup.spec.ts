// Auto top-up from the billing page: a card saved through the fake Stripe's setup-mode Checkout,
// the worker's round (run here, as apps/service runs it) charging it when available credits fall
// below the threshold, the credits arriving with Stripe's webhook, and a declined card turning it
// off with the reason shown.
import { billingConfigFrom } from "@credits/credits";
import { runAutoTopups } from "@credits/credits/node";
import { createDatabaseClient } from "@credits/db";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, type Page, test } from "@playwright/test";
import { e2eWebhookSecret, fakeStripeUrl } from "./environment.ts";
import { availableCreditsOf, grantTo, signUp } from "./helpers.ts";

const billing = billingConfigFrom({
  STRIPE_SECRET_KEY: "sk_test_e2e_fake",
  STRIPE_WEBHOOK_SECRET: e2eWebhookSecret,
  STRIPE_API_URL: fakeStripeUrl,
});

/** One round of the worker; the fake sends payment_intent.* to the app after answering. */
async function runRound() {
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
  try {
    await runAutoTopups(db, billing);
  } finally {
    await db.$disconnect();
  }
}

/** Saves `card` through the fake Stripe's setup-mode Checkout, back on the billing page. */
async function saveCard(page: Page, button: "Save a card" | "Replace card", card: string) {
  await page.getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(new RegExp(`^${fakeStripeUrl.replaceAll(".", "\\.")}/checkout/cs_`));
  await page.getByLabel("Test card").selectOption(card);
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByText("Your card is saved.")).toBeVisible();
}

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("[WEB][BILLING][AUTO-TOPUP] save a card, turn auto top-up on, see a top-up arrive; a declined card turns it off and says why", async ({
  page,
}, testInfo) => {
  const user = await signUp(page, "Auto Topper");
  await grantTo(user.email, 150);
  await page.goto("/billing");
  const section = page.getByRole("region", { name: "Auto top-up" });
  await expect(section.getByTestId("saved-card")).toHaveText(/No card saved yet/);

  await saveCard(page, "Save a card", "pm_card_visa");
  await expect(section.getByTestId("saved-card")).toHaveText("Card: Visa •••• 4242");

  // Set up with the keyboard: the threshold, the pack, the cap, the switch, then save.
  await section.getByLabel("When available credits fall below").fill("200");
  await section.getByRole("combobox", { name: /^Buy/ }).selectOption("pack_500");
  await section.getByLabel("At most, per month (credits)").fill("5000");
  await section.getByRole("switch", { name: "Turn on auto top-up" }).focus();
  await page.keyboard.press("Space");
  await expect(section.getByRole("switch")).toBeChecked();
  await section.getByRole("button", { name: "Save auto top-up" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Auto top-up is on.")).toBeVisible();

  // 150 available is below 200: the next round charges the card, the webhook grants 500.
  await runRound();
  await expect.poll(() => availableCreditsOf(user.email), { timeout: 15_000 }).toBe(650);
  await page.reload();
  await expect(section.getByTestId("last-top-up")).toHaveText(
    /^Last top-up: 500 credits on .+, paid\.$/,
  );
  await expect(section.getByText("Bought by auto top-up this month: 500 credits.")).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 900 });
  await section.scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "auto-topup-on-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page);
  await saveScreenshot(page, testInfo, "auto-topup-on-375");

  // A card that is declined: the round's charge fails, auto top-up is off, the page says why.
  await page.setViewportSize({ width: 1280, height: 900 });
  await saveCard(page, "Replace card", "pm_card_chargeDeclined");
  await expect(section.getByTestId("saved-card")).toHaveText("Card: Visa •••• 0002");
  await section.getByLabel("When available credits fall below").fill("1000");
  await section.getByRole("button", { name: "Save auto top-up" }).click();
  await expect(page.getByText("Auto top-up is on.")).toBeVisible();
  await runRound();
  await page.reload();
  await expect(section.getByRole("alert")).toHaveText(
    "Your card was declined; auto top-up is off. Update your card and turn it back on.",
  );
  await expect(section.getByRole("switch")).not.toBeChecked();
  await expect(section.getByTestId("last-top-up")).toHaveText(/, failed\.$/);
  expect(await availableCreditsOf(user.email)).toBe(650);
  await section.scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "auto-topup-declined-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page);
  await saveScreenshot(page, testInfo, "auto-topup-declined-375");
});

test("[WEB][BILLING][AUTO-TOPUP] a pack bought with 'Save my card for auto top-up' ticked keeps its card for auto top-up", async ({
  page,
}, testInfo) => {
  const user = await signUp(page, "Card From Pack");
  await page.goto("/billing");
  const section = page.getByRole("region", { name: "Auto top-up" });
  await expect(section.getByTestId("saved-card")).toHaveText(/No card saved yet/);

  const consent = page.getByRole("checkbox", { name: /Save my card for auto top-up/ });
  await consent.focus();
  await page.keyboard.press("Space");
  await expect(consent).toBeChecked();
  await page.setViewportSize({ width: 375, height: 800 });
  await consent.scrollIntoViewIfNeeded();
  await expectNoHorizontalScroll(page);
  await saveScreenshot(page, testInfo, "billing-save-card-consent-375");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("button", { name: "Buy 500 credits for $5.00" }).click();
  await expect(page).toHaveURL(new RegExp(`^${fakeStripeUrl.replaceAll(".", "\\.")}/checkout/cs_`));
  await page.getByLabel("Test card").selectOption("pm_card_visa");
  await page.getByRole("button", { name: "Pay" }).click();

  await expect(section.getByTestId("saved-card")).toHaveText("Card: Visa •••• 4242");
  await expect.poll(() => availableCreditsOf(user.email), { timeout: 15_000 }).toBe(500);
  // With a card saved, the purchase no longer offers to keep one.
  await expect(consent).toHaveCount(0);
  await page.getByRole("region", { name: "Buy credits" }).scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "billing-card-from-pack-1280");
});
