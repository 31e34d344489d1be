// Plain JavaScript: vitest loads its config's dependencies with Node itself, which cannot run
// TypeScript from a workspace package.
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The vitest setup every package shares: node environment, integration tests against the real
 * database `pnpm test` prepared (DATABASE_URL), and a JSON report that `pnpm test` totals.
 * @param {{ name: string }} options
 */
export function defineVitestConfig(options) {
  const reportDir = process.env.TEST_REPORT_DIR;
  return defineConfig({
    test: {
      name: options.name,
      environment: "node",
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportDir ? ["default", "json"] : ["default"],
      outputFile: reportDir ? { json: join(reportDir, `vitest-${options.name}.json`) } : undefined,
    },
  });
}
