// What both apps' security-header specs check: the headers of one answer, and that a page runs
// under its CSP without a single violation (the policy itself: @credits/credits http/security-headers.ts).
import { expect, type Page } from "@playwright/test";

/** An answer as both a page's navigation and an API request give it. */
type Answer = { headers(): Record<string, string>; url(): string; status(): number };

/** The headers every answer carries, whatever it is. */
const everyAnswer = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/**
 * Expects the security headers on `response`: a page's CSP (a nonce for scripts) or an API
 * answer's (nothing loads), framing refused either way; HSTS only when `https` (a trusted proxy
 * said the request came over HTTPS).
 */
export function expectSecurityHeaders(
  response: Answer,
  kind: "page" | "api",
  options: { https?: boolean } = {},
) {
  const headers = response.headers();
  const label = `${response.url()} (${response.status()})`;
  for (const [name, value] of Object.entries(everyAnswer)) {
    expect(headers[name], `${name} of ${label}`).toBe(value);
  }
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `CSP of ${label}`).toContain("frame-ancestors 'none'");
  if (kind === "page") {
    const scripts = csp.match(/script-src [^;]*/)?.[0];
    expect(scripts, `script-src of ${label}`).toMatch(
      /^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'$/,
    );
  } else {
    expect(csp, `CSP of ${label}`).toContain("default-src 'none'");
  }
  if (options.https) {
    expect(headers["strict-transport-security"], `HSTS of ${label}`).toBe("max-age=31536000");
  } else {
    expect(headers["strict-transport-security"], `HSTS of ${label}`).toBeUndefined();
  }
}

/**
 * Records every CSP violation and console error of `page` from now on; `expectNone()` fails with
 * all of them. The violations come from the page's own `securitypolicyviolation` events, which a
 * blocked script or style fires even when nothing else shows it.
 */
export async function watchForCspViolations(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction("__reportCspViolation", (text: string) => problems.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation(text: string): void })
        .__reportCspViolation;
      report(`CSP: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  return {
    expectNone: () => expect(problems, "CSP violations and console errors").toEqual([]),
  };
}
