import { randomBytes, randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, type Page, test } from "@playwright/test";
import { admin, signIn, withDatabase } from "./session.ts";

/** Opens the plan dialog of the user's page, picks `plan` and confirms it with a reason. */
async function changePlan(page: Page, plan: string, before: string, reason: string) {
  await page.getByTestId("subscription-card").getByRole("button", { name: "Change plan" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New plan").selectOption({ label: plan });
  await expect(dialog.getByTestId("tier-change")).toHaveText(`Plan now${before}Plan after${plan}`);
  await dialog.getByLabel("Reason for the change").fill(reason);
  await dialog.getByRole("button", { name: "Change plan" }).click();
  await expect(dialog).toBeHidden();
}

test("[ADMIN][SUBSCRIPTION] changes a subscription tier, cancels at period end and resumes", async ({
  page,
}, testInfo) => {
  // A user of its own: the web suite relies on the seeded demo user's plan.
  const user = await withDatabase((db) =>
    db.user.create({
      data: { email: `e2e-plan-${randomUUID()}@example.com`, name: "Plan Test" },
    }),
  );
  await signIn(page, admin);
  await page.goto(`/users/${user.id}`);
  const card = page.getByTestId("subscription-card");
  const tier = card.getByTestId("subscription-tier");
  // The limit column of the Reports row.
  const reportsLimit = page
    .getByTestId("user-quotas")
    .getByRole("row", { name: "Reports" })
    .getByRole("cell")
    .nth(1);
  await expect(tier).toHaveText("Free");
  await expect(card.getByTestId("subscription-manager")).toHaveText("Nobody (free plan)");
  await expect(reportsLimit).toHaveText("5");
  await expect(card.getByRole("button", { name: "Cancel subscription" })).toHaveCount(0);

  // Without Stripe keys (as in these tests) a paid tier is a comp kept by operators.
  await changePlan(page, "Pro", "Free", "Comp for the beta programme");
  await expect(tier).toHaveText("Pro");
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await expect(card.getByTestId("subscription-manager")).toHaveText("Operator comp");
  await expect(card.getByTestId("subscription-renewal")).toHaveText(
    "No end date: kept until an operator ends it.",
  );
  await expect(reportsLimit).toHaveText("100");
  await expect(page.getByText("Now on Pro.")).toBeVisible();
  await saveScreenshot(page, testInfo, "admin-subscription");

  await card.getByRole("button", { name: "Cancel subscription" }).click();
  const cancelDialog = page.getByRole("dialog");
  await expect(cancelDialog.getByLabel(/At the end of the period/)).toBeChecked();
  await expect(cancelDialog).toContainText(/Plan afterPro until .+, then Free/);
  await cancelDialog.getByLabel("Reason for cancelling").fill("Beta ends this month");
  await saveScreenshot(page, testInfo, "admin-subscription-cancel");
  await cancelDialog.getByRole("button", { name: "Cancel subscription" }).click();
  await expect(card.getByTestId("subscription-renewal")).toContainText(
    "Cancels at the end of the period, on",
  );
  await expect(tier).toHaveText("Pro");

  await card.getByRole("button", { name: "Resume" }).click();
  await page.getByRole("dialog").getByLabel("Reason for resuming").fill("Beta extended");
  await page.getByRole("dialog").getByRole("button", { name: "Resume subscription" }).click();
  await expect(card.getByTestId("subscription-renewal")).toHaveText(
    "No end date: kept until an operator ends it.",
  );
  await expect(card.getByRole("button", { name: "Resume" })).toHaveCount(0);

  await changePlan(page, "Free", "Pro", "Beta over");
  await expect(tier).toHaveText("Free");
  await expect(card.getByText("Canceled", { exact: true })).toBeVisible();
  await expect(card).toContainText(
    "Was on Pro until it was canceled; the limits of Free apply now.",
  );
  await expect(reportsLimit).toHaveText("5");

  // Works at phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(card).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await saveScreenshot(page, testInfo, "admin-subscription-phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  // Every step is in the audit log, newest first, and the actor filter finds them by email.
  await page.getByRole("link", { name: "Audit entries" }).click();
  const entries = page.getByTestId("audit-entries").getByRole("row");
  await expect(entries).toHaveCount(4);
  await expect(entries.nth(0)).toContainText("Changed plan");
  await expect(entries.nth(0)).toContainText("admin@example.com (you)");
  await expect(entries.nth(0)).toContainText("Tier: Pro → Free");
  await expect(entries.nth(1)).toContainText("Resumed subscription");
  await expect(entries.nth(1)).toContainText("“Beta extended”");
  await expect(entries.nth(2)).toContainText("Cancel at period end");
  await expect(entries.nth(3)).toContainText("Tier: Free → Pro");
  await expect(entries.nth(3)).toContainText("“Comp for the beta programme”");
  await page.getByLabel("Actor email").fill("ADMIN@example.com");
  await expect(entries).toHaveCount(4);
  await page.getByLabel("Actor email").fill("nobody@example.com");
  await expect(page.getByText("No entries match these filters")).toBeVisible();
});

test("[ADMIN][STRIPE] lists a failed Stripe event, shows its payload and retries it", async ({
  page,
}, testInfo) => {
  const eventId = `evt_e2e_${randomBytes(8).toString("hex")}`;
  const type = "customer.tax_id.created";
  const payload = {
    id: eventId,
    object: "event",
    type,
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "txi_x", object: "tax_id" } },
  };
  // A refunded payment whose credits were spent already: 40 of them could not be taken back.
  const shortfallUser = await withDatabase(async (db) => {
    await db.$executeRaw`
      INSERT INTO stripe_events (id, type, status, error, payload, attempts, event_created_at)
      VALUES (${eventId}, ${type}, 'FAILED', 'Database error while applying the event.',
        ${JSON.stringify(payload)}::jsonb, 1, now())`;
    const email = `e2e-shortfall-${randomUUID()}@example.com`;
    const user = await db.user.create({
      data: { email, name: "Shortfall Test" },
    });
    await db.$executeRaw`
      INSERT INTO stripe_payments (id, kind, user_id, app_id, amount_paid, currency, credits,
        amount_refunded, shortfall)
      VALUES (${`cs_e2e_${randomBytes(8).toString("hex")}`}, 'CREDIT_PACK', ${user.id}::uuid,
        'default', 500, 'usd', 500, 500, 40)`;
    return { ...user, email };
  });

  await signIn(page, admin);
  await expect(page.getByTestId("failed-stripe-events")).not.toHaveText("0");
  await expect(page.getByRole("heading", { name: "Active subscriptions" })).toBeVisible();
  await expect(
    page.getByRole("heading", { name: "Credits that could not be taken back" }),
  ).toBeVisible();
  const shortfall = page.getByTestId("shortfalls").getByRole("listitem").filter({
    hasText: shortfallUser.email,
  });
  await expect(shortfall).toContainText("40 credits");
  await saveScreenshot(page, testInfo, "admin-overview-billing");
  await shortfall.getByRole("link", { name: shortfallUser.email }).click();
  await expect(page.getByRole("heading", { name: shortfallUser.email })).toBeVisible();
  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByRole("link", { name: "Review and retry" }).click();
  await expect(page).toHaveURL(/\/stripe-events\?status=FAILED$/);
  await expect(page.getByLabel("Status")).toHaveValue("FAILED");

  const row = page.getByTestId("stripe-event").filter({ hasText: eventId });
  await expect(row).toContainText(type);
  await expect(row).toContainText("Failed");
  await expect(row).toContainText("1 attempt");
  await expect(row).toContainText("Database error while applying the event.");
  await row.getByRole("button", { name: "Show payload" }).click();
  await expect(row.getByRole("button", { name: "Hide payload" })).toHaveAttribute(
    "aria-expanded",
    "true",
  );
  const shownPayload = page.getByTestId("stripe-event-payload");
  await expect(shownPayload).toContainText('"id": "txi_x"');
  await saveScreenshot(page, testInfo, "admin-stripe-events");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(shownPayload).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await saveScreenshot(page, testInfo, "admin-stripe-events-phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  await row.getByRole("button", { name: "Retry" }).click();
  await expect(
    page.getByText(`Retried and ignored: Events of type ${type} are not used by this platform.`),
  ).toBeVisible();
  // No longer failed, so it leaves this filter; with all statuses it shows as ignored.
  await expect(row).toHaveCount(0);
  await page.getByLabel("Status").selectOption("All");
  await expect(row).toContainText("Ignored");
  await expect(row).toContainText("2 attempts");
  await expect(row.getByRole("button", { name: "Retry" })).toHaveCount(0);

  await page.getByLabel("Type").fill(type);
  await expect(row).toBeVisible();
  await page.getByLabel("Type").fill("no.such.type");
  await expect(page.getByText("No events match these filters")).toBeVisible();
});

test("[ADMIN][BULK] grants to everyone on a tier, a page at a time", async ({ page }) => {
  const user = await withDatabase(async (db) => {
    const created = await db.user.create({
      data: { email: `e2e-premium-${randomUUID()}@example.com`, name: "Premium Test" },
    });
    await db.$executeRaw`
      INSERT INTO subscriptions (id, user_id, tier, status, current_period_start, current_period_end)
      VALUES (gen_random_uuid(), ${created.id}::uuid, 'PREMIUM', 'ACTIVE', now(), now() + interval '30 days')`;
    return created;
  });

  await signIn(page, admin);
  await page.getByRole("link", { name: "Bulk grant" }).click();
  await page.getByLabel("Everyone on a tier").check();
  await page.getByRole("combobox", { name: "Tier" }).selectOption({ label: "Premium" });
  await page.getByLabel("Credits per user").fill("7");
  await page.getByLabel("Reason").fill("Thanks for staying with us");
  await page.getByRole("button", { name: "Grant to everyone on Premium" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("tier-recipients")).toHaveText(/^\d+ users$/);
  const members = Number(
    (await dialog.getByTestId("tier-recipients").textContent())?.split(" ")[0],
  );
  expect(members).toBeGreaterThan(0);
  await dialog.getByRole("button", { name: "Grant", exact: true }).click();
  await expect(
    page.getByText(`Finished: ${members} of ${members} users processed, ${members} granted.`),
  ).toBeVisible();
  await expect(page.getByText("Everyone on Premium", { exact: true })).toBeVisible();

  await page.goto(`/users/${user.id}`);
  await expect(page.getByTestId("app-balance-default")).toHaveText("7");
  await expect(page.getByTestId("user-ledger")).toContainText("Thanks for staying with us");
});
