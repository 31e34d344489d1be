import { randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { admin, signIn, withDatabase } from "./session.ts";

test("[ADMIN][AUTO-TOPUP] the user page shows a user's auto top-up, why it was turned off and its charges", async ({
  page,
}, testInfo) => {
  // A user whose auto top-up paid once, then was declined (as the worker and Stripe leave it).
  const user = await withDatabase(async (db) => {
    const created = await db.user.create({
      data: { email: `e2e-topup-${randomUUID()}@example.com`, name: "Top-up Test" },
    });
    const settings = await db.autoTopupSettings.create({
      data: {
        userId: created.id,
        appId: "default",
        enabled: false,
        belowCredits: 200n,
        packId: "pack_500",
        monthlyCapCredits: 5_000n,
        stripePaymentMethodId: "pm_e2e_declined",
        cardBrand: "visa",
        cardLast4: "0002",
        disabledReason:
          "Your card was declined; auto top-up is off. Update your card and turn it back on.",
        crossings: 2,
      },
    });
    const attempt = { settingsId: settings.id, userId: created.id, appId: "default" };
    const charge = { packId: "pack_500", credits: 500n, amountCents: 500 };
    await db.autoTopupAttempt.create({
      data: {
        ...attempt,
        ...charge,
        idempotencyKey: `autotopup:${settings.id}:1`,
        status: "succeeded",
        paymentIntentId: `pi_e2e_${randomUUID().slice(0, 8)}`,
      },
    });
    await db.autoTopupAttempt.create({
      data: {
        ...attempt,
        ...charge,
        idempotencyKey: `autotopup:${settings.id}:2`,
        status: "failed",
        failureCode: "card_declined",
        failureMessage: "Your card was declined.",
      },
    });
    return created;
  });

  await signIn(page, admin);
  await page.goto(`/users/${user.id}`);
  const card = page.getByTestId("auto-topup-card");
  await expect(card).toContainText(
    "Off · below 200 credits buys pack_500, at most 5,000 credits a month",
  );
  await expect(card).toContainText("Card visa •••• 0002 · 500 credits bought this month");
  await expect(card).toContainText("Turned off: Your card was declined; auto top-up is off.");
  const charges = card.getByRole("listitem");
  await expect(charges).toHaveCount(2);
  await expect(charges.first()).toContainText("card_declined: Your card was declined.");
  await expect(charges.first()).toContainText("failed");
  await expect(charges.last()).toContainText("succeeded");
  await card.scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "admin-auto-topup");
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await card.scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "admin-auto-topup-375");
});
