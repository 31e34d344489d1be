import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { startWebhookWorker, webhookConfigFrom } from "@credits/credits/node";
import { createDatabaseClient } from "@credits/db";
import { saveScreenshot } from "@credits/playwright-config/screenshots";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { admin, signIn, withDatabase } from "./session.ts";

const demoUser = { email: "user@example.com" };

test("[ADMIN][WEBHOOKS] adds an endpoint (secret shown once), sends it a test event, hears of a grant made in the console, reads the attempts and disables it", async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  // A receiver on loopback, and the delivery worker (apps/service runs it; this suite has no service).
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end("received");
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 4 });
  const worker = await startWebhookWorker({
    db,
    connectionString: process.env.DATABASE_URL ?? "",
    config: webhookConfigFrom({
      WEBHOOK_ALLOW_PRIVATE_URLS: "on",
      WEBHOOK_DISPATCH_INTERVAL_MS: "100",
    }),
    logger: { error: (message) => console.error(message) },
  });
  try {
    await signIn(page, admin);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Webhooks" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

    // A missing URL, then one that is not http(s), is said next to the field.
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Enter the URL that receives the events")).toBeVisible();
    await page.getByLabel("URL").fill("ftp://example.com/hooks");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("must be an http:// or https:// URL").first()).toBeVisible();

    await page.getByLabel("URL").fill(url);
    await page.getByLabel("Description (optional)").fill("E2E receiver");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "Endpoint created" });
    await expect(dialog.getByRole("status").first()).toContainText("shown only this once");
    const secret = await dialog.getByTestId("webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await saveScreenshot(page, testInfo, "admin-webhook-created");
    await dialog.getByRole("button", { name: "I have copied it" }).click();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("link", { name: url }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: url })).toBeVisible();
    await expect(page.getByText("Nothing sent yet")).toBeVisible();
    await page.getByRole("button", { name: "Send test event" }).click();
    const delivery = page.getByTestId("webhook-delivery").first();
    await expect(delivery).toContainText("webhook.test", { timeout: 20_000 });
    await expect(delivery).toContainText("Delivered", { timeout: 20_000 });
    await expect(delivery).toContainText("HTTP 200");
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["webhook-signature"]).toMatch(/^v1,/);
    const verify = (request: (typeof received)[number]) =>
      new Webhook(secret).verify(request.body, {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      }) as { type: string; data: Record<string, unknown> };
    expect(verify(received[0] as (typeof received)[number]).type).toBe("webhook.test");
    const endpointPage = page.url();

    // A grant made in the console reaches the endpoint as credits.granted, signed, with the
    // balance after it.
    const demoUserId = await withDatabase(
      async (database) =>
        (await database.user.findUniqueOrThrow({ where: { email: demoUser.email } })).id,
    );
    await page.goto(`/users/${demoUserId}`);
    await expect(page.getByRole("heading", { name: demoUser.email })).toBeVisible();
    const balance = page.getByTestId("app-balance-default");
    const before = Number((await balance.textContent())?.replaceAll(",", ""));
    await page.getByLabel("Amount", { exact: true }).fill("25");
    await page.getByLabel("Reason", { exact: true }).fill("Webhook check");
    await page.getByRole("button", { name: "Review" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(balance).toHaveText((before + 25).toLocaleString("en-US"));
    await expect
      .poll(
        () => received.map(verify).find((payload) => payload.type === "credits.granted")?.data,
        {
          timeout: 20_000,
        },
      )
      .toMatchObject({ amount: 25, balance: before + 25, platform_user_id: demoUserId });

    await page.goto(endpointPage);
    const granted = page.getByTestId("webhook-delivery").filter({ hasText: "credits.granted" });
    await expect(granted).toContainText("Delivered", { timeout: 20_000 });
    // The log is a table: newest first, oldest first from the Created column's header, and a
    // status filter.
    const rows = page.getByTestId("webhook-delivery");
    await expect(rows.last()).toContainText("webhook.test");
    await expect(rows.first()).not.toContainText("webhook.test");
    await page.getByRole("button", { name: "Created" }).click();
    await expect(page.getByRole("columnheader", { name: "Created" })).toHaveAttribute(
      "aria-sort",
      "ascending",
    );
    await expect(rows.first()).toContainText("webhook.test");
    await page.getByLabel("Status").selectOption("failed");
    await expect(page.getByText("No failed deliveries")).toBeVisible();
    await page.getByLabel("Status").selectOption("succeeded");
    await expect(rows.filter({ hasText: "webhook.test" })).toHaveCount(1);
    await expect(rows.filter({ hasText: "credits.granted" })).toHaveCount(1);
    await saveScreenshot(page, testInfo, "admin-webhook-endpoint");

    await page.getByRole("button", { name: "Disable" }).click();
    await expect(page.getByText("Disabled", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send test event" })).toBeDisabled();
    await page.getByRole("button", { name: "Delete" }).click();
    await page
      .getByRole("dialog", { name: "Delete this endpoint?" })
      .getByRole("button", { name: "Delete endpoint" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    await expect(page.getByRole("link", { name: url })).toHaveCount(0);
  } finally {
    await worker.stop();
    await db.$disconnect();
    receiver.close();
  }
});
