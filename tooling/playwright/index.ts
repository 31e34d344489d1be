import { existsSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";

/**
 * Which Chromium to drive: PLAYWRIGHT_CHROMIUM_PATH if set, else Debian's /usr/bin/chromium, else
 * Playwright's own download (on machines that can fetch it with `npx playwright install`).
 */
export function chromiumExecutable(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH) return process.env.PLAYWRIGHT_CHROMIUM_PATH;
  return existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

/**
 * A port of the end-to-end setup, shifted by E2E_PORT_OFFSET so that several checkouts on one
 * machine can run their suites at the same time without taking each other's ports.
 */
export function e2ePort(base: number): number {
  return base + Number(process.env.E2E_PORT_OFFSET ?? 0);
}

/**
 * What a production server under test needs to sign anyone in: the hosts it answers sign-in for
 * (AUTH_TRUSTED_HOSTS), here this machine on its port under both names.
 */
export function trustedHostsEnv(port: number): { AUTH_TRUSTED_HOSTS: string } {
  return { AUTH_TRUSTED_HOSTS: `127.0.0.1:${port},localhost:${port}` };
}

/** Without these, Chromium keeps trying to reach Google's hosts, which a closed network refuses. */
const quietChromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * The Playwright setup both apps share: a production server of the app (`next start`) on `port`,
 * headless Chromium, screenshots kept as artifacts, and a JSON report that `pnpm test` totals.
 */
export function definePlaywrightConfig(options: {
  app: string;
  port: number;
  /** Variables the app server gets on top of the test run's own environment. */
  env?: Record<string, string>;
  /** Servers to start before the app (e.g. a fake of an outside API it calls). */
  servers?: { command: string; url: string; env?: Record<string, string> }[];
}): PlaywrightTestConfig {
  const baseURL = `http://127.0.0.1:${options.port}`;
  const reportDir = process.env.TEST_REPORT_DIR;
  const reporter: PlaywrightTestConfig["reporter"] = [["list"]];
  if (reportDir) {
    reporter.push(["json", { outputFile: join(reportDir, `playwright-${options.app}.json`) }]);
  }
  return defineConfig({
    testDir: "./e2e",
    outputDir: reportDir ? join(reportDir, `artifacts-${options.app}`) : "test-results",
    fullyParallel: false,
    forbidOnly: Boolean(process.env.CI),
    retries: 0,
    workers: 1,
    reporter,
    use: {
      baseURL,
      screenshot: "only-on-failure",
      trace: "retain-on-failure",
      launchOptions: { executablePath: chromiumExecutable(), args: quietChromiumArgs },
    },
    webServer: [
      ...(options.servers ?? []).map((server) => ({
        ...server,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: "ignore" as const,
        stderr: "pipe" as const,
      })),
      {
        command: `pnpm exec next start --port ${options.port} --hostname 127.0.0.1`,
        url: `${baseURL}/health`,
        env: { ...trustedHostsEnv(options.port), ...options.env },
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: "ignore",
        stderr: "pipe",
      },
    ],
  });
}
