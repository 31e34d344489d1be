// `pnpm test`: every suite against a database made for this run.
// A fresh database is created on the server in DATABASE_URL (or, without it, an in-memory embedded
// Postgres is started), migrated and seeded; the vitest suites of every package and the Playwright
// suites of both apps run against it through turbo; their JSON reports are totalled into one line
// `N passed, N failed[, N skipped]`; the database is dropped; the exit code is non-zero on any failure.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "@credits/db/embedded";
import { loadRootEnvFile } from "@credits/db/env";
import { migrateDeploy } from "@credits/db/migrate";
import { createScratchDatabase, type ScratchDatabase } from "@credits/db/testing";
import { seedDemoData } from "../prisma/seed.ts";
import { repoRoot, run } from "./run.ts";

const { values } = parseArgs({ options: { only: { type: "string" } } });
const suites = values.only ? [values.only] : ["unit", "e2e"];
for (const suite of suites) {
  if (suite !== "unit" && suite !== "e2e")
    throw new Error(`--only takes unit or e2e, not ${suite}`);
}

loadRootEnvFile(repoRoot);
const reportDir = join(repoRoot, ".reports");
rmSync(reportDir, { recursive: true, force: true });

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

/** Reads every JSON report the suites wrote; vitest and Playwright each have their own shape. */
function totalReports(): Totals {
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  if (!existsSync(reportDir)) return totals;
  for (const file of readdirSync(reportDir).filter((name) => name.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(join(reportDir, file), "utf8"));
    if (file.startsWith("vitest-")) {
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + report.numTodoTests;
      // A file that fails to load has no tests to count, yet is a failure.
      totals.failed += (
        report.testResults as { status: string; assertionResults: unknown[] }[]
      ).filter(
        (result) => result.status === "failed" && result.assertionResults.length === 0,
      ).length;
    } else if (file.startsWith("playwright-")) {
      totals.passed += report.stats.expected + report.stats.flaky;
      totals.failed += report.stats.unexpected + (report.errors?.length ?? 0);
      totals.skipped += report.stats.skipped;
    }
  }
  return totals;
}

async function prepareDatabase(): Promise<ScratchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    console.log("▸ creating a fresh test database on the server in DATABASE_URL");
    return createScratchDatabase(serverUrl, "credits_test");
  }
  console.log("▸ DATABASE_URL is not set: starting an in-memory embedded Postgres for the tests");
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.url, drop: () => embedded.stop() };
}

const database = await prepareDatabase();
let exitCode = 0;
try {
  await migrateDeploy({ databaseUrl: database.url });
  await seedDemoData(database.url);
  const env = {
    DATABASE_URL: database.url,
    // The apps run as production builds, which require a signing secret: one per run.
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
    TEST_REPORT_DIR: reportDir,
    // Request and event logs would drown the test output; warnings and errors still show.
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    TURBO_TELEMETRY_DISABLED: "1",
  };
  const tasks = suites.map((suite) => (suite === "unit" ? "test" : "test:e2e"));
  // One task at a time keeps the 2-core CI machine from building Next while integration tests run.
  exitCode = await run(
    "pnpm",
    ["exec", "turbo", "run", ...tasks, "--concurrency=1", "--continue"],
    {
      cwd: repoRoot,
      env,
    },
  );
} finally {
  await database.drop();
}

const totals = totalReports();
if (exitCode !== 0 && totals.failed === 0) {
  // A suite failed before it could report (a build error, a crash): count it, never hide it.
  console.error("A test task failed without reporting a failed test; counting it as one failure.");
  totals.failed = 1;
}
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 || exitCode !== 0 ? 1 : 0);
