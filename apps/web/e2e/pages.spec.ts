import { randomUUID } from "node:crypto";
import { billingConfigFrom, spendCredits, trackUsage } from "@credits/credits";
import {
  auditPage,
  auditWidths,
  waitUntilSettled as settled,
  startAudit,
} from "@credits/playwright-config/page-audit";
import { expect, test } from "@playwright/test";
import { grantTo, signUp, withUser } from "./helpers.ts";

// Every page of the web app, at a phone's width and a laptop's: no sideways page scroll, no console
// error, no serious or critical axe-core violation; a screenshot of each is kept as an artifact.

const signedInPages = [
  { path: "/", name: "web-dashboard", heading: "Available credits" },
  { path: "/history", name: "web-history", heading: "History" },
  { path: "/purchases", name: "web-purchases", heading: "Purchases" },
  { path: "/transfer", name: "web-transfer", heading: "Send credits" },
  { path: "/usage", name: "web-usage", heading: "Usage" },
  { path: "/billing", name: "web-billing", heading: "Billing" },
  { path: "/account", name: "web-account", heading: "Account" },
];

for (const width of auditWidths) {
  test.describe(`${width} px`, () => {
    // The phone is also a viewer far from the server: German dates, 14 hours ahead of UTC. A date
    // the server rendered and hydration did not repeat exactly fails the page with React's error.
    if (width === 375) test.use({ locale: "de-DE", timezoneId: "Pacific/Kiritimati" });
    test(`[WEB][PAGES] every page at ${width} px: no sideways scroll, no console error, no serious accessibility violation`, async ({
      page,
    }, testInfo) => {
      test.setTimeout(180_000);
      const consoleProblems = await startAudit(page, width);

      for (const [path, name, heading] of [
        ["/sign-in", "web-sign-in", "Sign in to your credits"],
        ["/sign-up", "web-sign-up", "Create your account"],
        ["/api/docs", "web-api-docs", "Credits service API"],
        // Opened without the link's code: what someone with half a link sees.
        ["/claim", "web-claim", "Set up your sign-in"],
      ] as const) {
        await page.goto(path);
        await settled(page, heading);
        await auditPage(page, testInfo, name);
      }

      // A new account first: the dashboard's empty states are a page of their own.
      const user = await signUp(page);
      await settled(page, "Available credits");
      await auditPage(page, testInfo, "web-dashboard-new");

      await grantTo(user.email, 12_500);
      await withUser(user.email, (db, userId) =>
        spendCredits(db, { type: "USER", id: userId }, userId, {
          appId: "default",
          amount: 1_250,
          description: "Report generation",
          idempotencyKey: randomUUID(),
        }),
      );
      // API calls, not the first feature in the list, are all the use there is: the usage page
      // must open its chart on them.
      await withUser(user.email, (db, userId) =>
        trackUsage(db, billingConfigFrom({}), { type: "USER", id: userId }, userId, {
          feature: "api_calls",
          quantity: 40,
          idempotencyKey: randomUUID(),
        }),
      );
      for (const { path, name, heading } of signedInPages) {
        await page.goto(path);
        await settled(page, heading);
        await auditPage(page, testInfo, name);
      }
      await page.goto("/usage");
      await settled(page, "Usage");
      await expect(page.getByLabel("Feature")).toHaveValue("api_calls");
      await expect(page.getByTestId("bar-chart")).toBeVisible();
      consoleProblems.expectNone(`the web app at ${width} px`);
    });
  });
}
