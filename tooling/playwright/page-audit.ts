import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { saveScreenshot } from "./screenshots.ts";

/** The widths every page is checked at: a small phone and a laptop. */
export const auditWidths = [375, 1280] as const;

/**
 * Sets the page to `width` and collects what a person would see as breakage in the browser
 * console: console errors and uncaught exceptions. Call it before the first navigation;
 * `expectNone` fails the test with the messages.
 */
export async function startAudit(page: Page, width: number) {
  await page.setViewportSize({ width, height: 800 });
  const problems: string[] = [];
  page.on("console", (message) => {
    const url = message.location().url || page.url();
    if (message.type() === "error") problems.push(`console.error: ${message.text()} (${url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  return {
    expectNone(where: string) {
      expect(problems, `console problems on ${where}`).toEqual([]);
    },
  };
}

/** Waits until a page has its heading and its queries have answered: no loading placeholder left. */
export async function waitUntilSettled(page: Page, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expect(page.locator(".animate-pulse")).toHaveCount(0);
}

/**
 * Checks the page as it is now at the viewport's width: no sideways scroll of the page itself, no
 * serious or critical accessibility violation (axe-core), then saves a full-page screenshot.
 */
export async function auditPage(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${name} scrolls sideways at ${width} px`).toBe(0);
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(" "))
          .join(", ")}`,
    );
  expect(severe, `${name} at ${width} px has accessibility violations`).toEqual([]);
  await saveScreenshot(page, testInfo, `${name}-${width}`);
}
