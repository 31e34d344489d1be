import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { saveScreenshot } from "./screenshots.ts";

/** The widths every page is checked at: a small phone and a laptop. */
export const auditWidths = [375, 1280] as const;

/**
 * Collects what a person would see as breakage in the browser console: console errors and uncaught
 * exceptions. Start it before the first navigation; `expectNone` fails the test with the messages.
 */
export function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    const url = message.location().url || page.url();
    // The browser asks for /favicon.ico by itself; the apps' icons are a change of their own, and
    // this check is about what the pages do. Drop this exception once the apps serve an icon.
    if (message.type() === "error" && !url.endsWith("/favicon.ico"))
      problems.push(`console.error: ${message.text()} (${url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  return {
    expectNone(where: string) {
      expect(problems, `console problems on ${where}`).toEqual([]);
    },
  };
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
