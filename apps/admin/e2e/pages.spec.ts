import { randomUUID } from "node:crypto";
import {
  auditPage,
  auditWidths,
  waitUntilSettled as settled,
  startAudit,
} from "@credits/playwright-config/page-audit";
import { test } from "@playwright/test";
import { admin, signIn, withDatabase } from "./session.ts";

// Every page of the console, at a phone's width and a laptop's: no sideways page scroll, no console
// error, no serious or critical axe-core violation; a screenshot of each is kept as an artifact.

for (const width of auditWidths) {
  test.describe(`${width} px`, () => {
    // The phone is also a viewer far from the server: German dates, 14 hours ahead of UTC. A date
    // the server rendered and hydration did not repeat exactly fails the page with React's error.
    if (width === 375) test.use({ locale: "de-DE", timezoneId: "Pacific/Kiritimati" });
    test(`[ADMIN][PAGES] every page at ${width} px: no sideways scroll, no console error, no serious accessibility violation`, async ({
      page,
    }, testInfo) => {
      test.setTimeout(180_000);
      const consoleProblems = await startAudit(page, width);

      await page.goto("/sign-in");
      await settled(page, "Operator sign-in");
      await auditPage(page, testInfo, "admin-sign-in");

      await signIn(page, admin);
      const demoUserId = await withDatabase(
        async (db) =>
          (await db.user.findUniqueOrThrow({ where: { email: "user@example.com" } })).id,
      );
      // A customer whose email is longer than a phone is wide: the heading wraps it at "@" and dots.
      const longEmailUserId = await withDatabase(
        async (db) =>
          (
            await db.user.create({
              data: {
                email: `a-very-long-customer-name-${randomUUID()}@accounts.subsidiary.example.com`,
              },
            })
          ).id,
      );
      // An endpoint with a long URL and a delivery log: one delivered, one failed with a long error,
      // the widths a phone must fit (no worker runs, so nothing is sent to it).
      const endpointId = await withDatabase(async (db) => {
        const endpoint = await db.webhookEndpoint.create({
          data: {
            url: `https://hooks.example.com/${"very-long-path-segment/".repeat(4)}${width}`,
            description: "Page audit",
            secret: `whsec_${"a".repeat(44)}`,
            enabled: false,
            disabledAt: new Date(),
            disabledReason: "every attempt failed for three days",
          },
        });
        for (const [status, statusCode, error] of [
          ["succeeded", 200, null],
          ["failed", 502, `connect ECONNREFUSED ${"upstream-proxy-said-no ".repeat(8)}`],
        ] as const) {
          await db.webhookDelivery.create({
            data: {
              endpointId: endpoint.id,
              status,
              attempts: 1,
              lastAttemptAt: new Date(),
              attemptsLog: { create: { statusCode, durationMs: 1_250, error } },
            },
          });
        }
        return endpoint.id;
      });
      for (const [path, name, heading] of [
        ["/overview", "admin-overview", "Overview"],
        ["/users", "admin-users", "Users"],
        [`/users/${demoUserId}`, "admin-user", "user@example.com"],
        [`/users/${longEmailUserId}`, "admin-user-long-email", /^a-very-long-customer-name-/],
        ["/bulk-grant", "admin-bulk-grant", "Bulk grant"],
        ["/stripe-events", "admin-stripe-events", "Stripe events"],
        ["/tokens", "admin-tokens", "Service tokens"],
        ["/webhooks", "admin-webhooks", "Webhooks"],
        [`/webhooks/${endpointId}`, "admin-webhook-endpoint", /hooks\.example\.com/],
        ["/audit", "admin-audit", "Audit log"],
        ["/account", "admin-account", "Account"],
      ] as const) {
        await page.goto(path);
        await settled(page, heading);
        await auditPage(page, testInfo, name);
      }
      consoleProblems.expectNone(`the console at ${width} px`);
    });
  });
}
