import { randomUUID } from "node:crypto";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, type Page, test } from "@playwright/test";
import {
  availableBalance,
  availableCreditsOf,
  demoUser,
  grantTo,
  signIn,
  signUp,
} from "./helpers.ts";

test("[WEB][AUTH] sign up, sign out, refuse a wrong password, sign in again", async ({
  page,
}, testInfo) => {
  const user = await signUp(page);
  await expect(availableBalance(page)).toHaveText("0");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email" })).toHaveText(
    "Wrong email or password. Check both and try again.",
  );
  await saveScreenshot(page, testInfo, "web-sign-in-error");

  await signIn(page, user);
  await page.goto("/sign-up");
  await expect(page).toHaveURL(/\/$/);
});

test("[WEB][AUTH] a taken email gets a clear message", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone");
  await page.getByLabel("Email").fill(demoUser.email);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toHaveText(
    "An account with this email already exists. Sign in instead.",
  );
});

test("[WEB][AUTH] a name holding an invisible direction override is refused, naming the character", async ({
  page,
}, testInfo) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Ann \u202eevil");
  await page.getByLabel("Email").fill(`e2e-${randomUUID()}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(
    page.getByText("Name must not contain an invisible text-direction control (U+202E)."),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
  await saveScreenshot(page, testInfo, "web-sign-up-unsafe-name");
});

test("[WEB][DASHBOARD] the demo user sees the seeded balance, activity and expiring credits", async ({
  page,
}, testInfo) => {
  await signIn(page, demoUser);
  // The seed leaves 1,200 available; the admin suite may have adjusted the demo user since.
  await expect(availableBalance(page)).toHaveText(
    (await availableCreditsOf(demoUser.email)).toLocaleString("en-US"),
  );
  await expect(page.getByText("Credits expired")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Expiring credits" })).toBeVisible();
  await expect(page.getByText(/^expire /).first()).toBeVisible();
  // The seeded purchase (120), spend (30), transfer (100) and capture (65), all today.
  await expect(page.getByText("315 credits spent")).toBeVisible();
  await saveScreenshot(page, testInfo, "web-dashboard");
  await page.setViewportSize({ width: 375, height: 800 });
  await saveScreenshot(page, testInfo, "web-dashboard-phone");
});

test("[WEB][PURCHASES] buying lowers the balance; an item too expensive says not enough credits", async ({
  page,
}, testInfo) => {
  const user = await signUp(page);
  await grantTo(user.email, 500);
  await page.goto("/purchases");
  await expect(availableBalance(page)).toHaveText("500");

  await page.getByRole("button", { name: "Buy Market overview report for 120 credits" }).click();
  await expect(availableBalance(page)).toHaveText("380");
  await expect(page.getByText("Bought “Market overview report”")).toBeVisible();
  // The purchase is listed as the history lists it: what it took, signed.
  const bought = page
    .getByTestId("purchase-list")
    .getByRole("row")
    .filter({ hasText: "Market overview report" });
  await expect(bought).toContainText("Completed");
  await expect(bought).toContainText("−120");

  // What the balance cannot pay for cannot be bought, and says why beside its own button.
  const expensive = page.getByRole("button", { name: "Buy Industry deep dive for 25,000 credits" });
  await expect(expensive).toBeDisabled();
  const shortfall = page.getByText(/^Not enough credits/);
  await expect(shortfall).toHaveCount(1);
  await expect(shortfall).toHaveText("Not enough credits: 24,620 short. Get more credits");
  await expect(availableBalance(page)).toHaveText("380");
  await saveScreenshot(page, testInfo, "web-purchases");
  await shortfall.getByRole("link", { name: "Get more credits" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Buy credits" })).toBeVisible();
});

test("[WEB][TRANSFER] send credits to another user; both see their new balance", async ({
  page,
  browser,
}, testInfo) => {
  const recipientContext = await browser.newContext();
  const recipientPage = await recipientContext.newPage();
  const recipient = await signUp(recipientPage, "Recipient");
  const sender = await signUp(page, "Sender");
  await grantTo(sender.email, 300);

  // A refused call is the app's to explain on the page; the production build logs nothing of it.
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.goto("/transfer");
  await page.getByLabel("Recipient's email").fill("nobody-at-all@example.com");
  await page.getByLabel("Amount").fill("50");
  // An unknown email and an amount beyond the balance are refused before the confirmation.
  await page.getByRole("button", { name: "Review transfer" }).click();
  await expect(page.getByText("No user has this email address.")).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await page.getByLabel("Recipient's email").fill(recipient.email);
  await page.getByLabel("Amount").fill("1000");
  await page.getByRole("button", { name: "Review transfer" }).click();
  await expect(page.getByText("Not enough credits: you have 300 credits available.")).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(consoleErrors, "console errors after refused calls").toEqual([]);

  await page.getByLabel("Amount").fill("75");
  await page.getByLabel("Note (optional)").fill("Thanks!");
  await page.getByRole("button", { name: "Review transfer" }).click();
  await saveScreenshot(page, testInfo, "web-transfer-confirm");
  await expect(page.getByTestId("change-summary")).toContainText(
    "Balance300 credits → 225 credits",
  );
  await page.getByRole("button", { name: "Send 75 credits" }).click();
  await expect(page.getByText("Sent 75 credits. You have 225 credits left.")).toBeVisible();
  // The form is cleared for a new decision, and "Available" is the new balance.
  await expect(page.getByLabel("Recipient's email")).toHaveValue("");
  await expect(page.getByLabel("Amount")).toHaveValue("");
  await expect(page.getByText("Available: 225 credits")).toBeVisible();

  // Both dashboards show the new balances, as the ledger has them.
  await page.goto("/");
  await expect(availableBalance(page)).toHaveText("225");
  expect(await availableCreditsOf(sender.email)).toBe(225);
  await expect(page.getByText("Thanks!")).toBeVisible();
  await recipientPage.reload();
  await expect(availableBalance(recipientPage)).toHaveText("75");
  expect(await availableCreditsOf(recipient.email)).toBe(75);
  await expect(recipientPage.getByText("Thanks!")).toBeVisible();
  await recipientContext.close();
});

/** The browser's calendar day, `offset` days from today, as a date input holds it. */
function localDay(page: Page, offset = 0): Promise<string> {
  return page.evaluate((days) => {
    const date = new Date();
    date.setDate(date.getDate() + days);
    const pad = (value: number) => String(value).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }, offset);
}

async function exportedCsv(page: Page): Promise<string[]> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const csv = await (await download.createReadStream()).toArray();
  return Buffer.concat(csv).toString("utf8").trim().split("\n");
}

const csvHeader = "id,created_at,app_id,type,amount,balance_after,description,actor_type,actor_id";

test.describe("a viewer in a time zone far from UTC", () => {
  // Local days there start and end half a day away from UTC's, so a filter that lost the viewer's
  // time zone on the way to the export would show here.
  test.use({ timezoneId: "Pacific/Kiritimati" });

  test("[WEB][HISTORY] filter by type, app and dates; the CSV export holds exactly what the page shows", async ({
    page,
  }, testInfo) => {
    const user = await signUp(page);
    await grantTo(user.email, 400);
    await page.goto("/purchases");
    await page.getByRole("button", { name: "Buy Competitor analysis for 300 credits" }).click();
    await expect(availableBalance(page)).toHaveText("100");
    await grantTo(user.email, 150, "reports");

    await page.getByRole("link", { name: "History" }).click();
    const list = page.getByTestId("history-list");
    await expect(list.getByRole("row")).toHaveCount(3);
    await expect(list.getByRole("row").first()).toContainText("+150");
    // The server sorts: oldest first is the first grant, then back to newest first.
    const date = page.getByRole("columnheader", { name: "Date" });
    await expect(date).toHaveAttribute("aria-sort", "descending");
    await date.getByRole("button").click();
    await expect(date).toHaveAttribute("aria-sort", "ascending");
    await expect(list.getByRole("row").first()).toContainText("+400");
    await expect(list.getByRole("row").last()).toContainText("+150");
    await date.getByRole("button").press("Enter");
    await expect(date).toHaveAttribute("aria-sort", "descending");
    await expect(list.getByRole("row").first()).toContainText("+150");
    await page.getByLabel("Type").selectOption("PURCHASE");
    await expect(list.getByRole("row")).toHaveCount(1);
    await expect(list).toContainText("Purchase: Competitor analysis");
    let lines = await exportedCsv(page);
    expect(lines[0]).toBe(csvHeader);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(",default,PURCHASE,-300,100,Purchase: Competitor analysis,USER,");

    await page.getByLabel("Type").selectOption("");
    await page.getByLabel("App").selectOption({ label: "Reports" });
    await page.getByLabel("From").fill(await localDay(page));
    await page.getByLabel("To").fill(await localDay(page));
    await expect(list.getByRole("row")).toHaveCount(1);
    await expect(list).toContainText("E2E credits");
    await saveScreenshot(page, testInfo, "web-history");
    lines = await exportedCsv(page);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(",reports,GRANT,150,150,E2E credits,SYSTEM,");

    // Yesterday had nothing: an empty list, and a file with the header only.
    await page.getByLabel("From").fill(await localDay(page, -1));
    await page.getByLabel("To").fill(await localDay(page, -1));
    await expect(page.getByText("No entries match these filters")).toBeVisible();
    expect(await exportedCsv(page)).toEqual([csvHeader]);
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, testInfo, "web-history-phone");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(list.getByRole("row")).toHaveCount(3);
  });
});

test("[WEB][LIVE] the balance updates without a reload when credits are granted from outside the page", async ({
  page,
}) => {
  const user = await signUp(page);
  await expect(availableBalance(page)).toHaveText("0");
  // Give the live-update stream a moment to open before the change happens.
  await page.waitForTimeout(1000);
  await grantTo(user.email, 640);
  await expect(availableBalance(page)).toHaveText("640", { timeout: 10_000 });
  await expect(page.getByText("E2E credits")).toBeVisible();
});
