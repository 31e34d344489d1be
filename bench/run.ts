// `pnpm bench [--quick] [--skip-build] [--report-only] [--focus service|web]`: measures the credit path of a production
// build of apps/web (HTTP → Next.js → REST or tRPC → Prisma → Postgres) against what Postgres itself can do with the
// same guarantees, against the original design's naive ledger, and as history grows. Numbers are
// reported, never judged: only a broken invariant, an over-spend of this ledger or a double grant
// makes it exit non-zero. Runs on a scratch database of its own on the server in DATABASE_URL.
// The scenarios are in bench/scenarios/, one file each; this file runs them in order.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createDatabaseClient } from "@credits/db";
import { loadRootEnvFile } from "@credits/db/env";
import { migrateDeploy } from "@credits/db/migrate";
import { createScratchDatabase, isEmbedded } from "@credits/db/testing";
import pg from "pg";
import { repoRoot } from "../scripts/run.ts";
import { createDirectTables } from "./lib/data.ts";
import {
  type BenchReport,
  describeMachine,
  type Row,
  rewriteReport,
  writeReport,
} from "./lib/report.ts";
import { benchServiceToken, benchWebhookSecret } from "./lib/requests.ts";
import {
  accountCount,
  concurrency,
  createScenarioContext,
  log,
  ratio,
  type ScenarioContext,
  type Settings,
} from "./lib/scenario.ts";
import { buildApps, type RunningServer, startWeb } from "./lib/server.ts";
import { seedSpendAccounts, warmUp } from "./scenarios/accounts.ts";
import { measureCeiling } from "./scenarios/ceiling.ts";
import { measureFloors } from "./scenarios/floors.ts";
import { measureGrowth } from "./scenarios/growth.ts";
import { measureNaive } from "./scenarios/naive.ts";
import { raceForLastCredits } from "./scenarios/overspend.ts";
import { measurePlainRest } from "./scenarios/plain-rest.ts";
import { measureSpends } from "./scenarios/spends.ts";
import { measureWebhooks } from "./scenarios/webhooks.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean" },
    "skip-build": { type: "boolean" },
    "report-only": { type: "boolean" },
    // Only the ceilings and apps/service's rows (service) or apps/web's spend rows, REST and tRPC,
    // with the Next.js floors (web), printed and not written to bench/RESULTS.md: a quick look at
    // one change of the spend path, never a result to keep.
    focus: { type: "string" },
  },
});
if (args["report-only"]) {
  rewriteReport();
  process.exit(0);
}
const quick = Boolean(args.quick);
const settings: Settings = quick
  ? {
      seconds: 3,
      growthSizes: [100, 10_000],
      growthRequests: 40,
      naiveHistory: 10_000,
      webhookEvents: 200,
      overspendBalance: 50,
    }
  : {
      seconds: 15,
      growthSizes: [100, 100_000, 1_000_000],
      growthRequests: 400,
      naiveHistory: 100_000,
      webhookEvents: 1_000,
      overspendBalance: 100,
    };

loadRootEnvFile(repoRoot);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error(
    "pnpm bench needs a PostgreSQL server: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres). It creates and drops a database of its own there.",
  );
  process.exit(2);
}
const embedded = await isEmbedded(serverUrl).catch((error: Error) => {
  console.error(`Cannot connect to DATABASE_URL: ${error.message}`);
  process.exit(2);
});
if (embedded) {
  console.error(
    "DATABASE_URL points at the embedded development database (PGlite runs one transaction at a time): benchmark a real PostgreSQL server instead.",
  );
  process.exit(2);
}

const database = await createScratchDatabase(serverUrl, "credits_bench");
const pool = new pg.Pool({ connectionString: database.url, max: concurrency + 4 });
const prisma = createDatabaseClient(database.url, { poolMax: 2 });
const authSecret = randomBytes(32).toString("base64");
let server: RunningServer | null = null;
let exitCode = 0;

try {
  log(`scratch database ready; migrating${quick ? " (quick mode)" : ""}`);
  await migrateDeploy({ databaseUrl: database.url });
  await createDirectTables(pool);
  if (!args["skip-build"]) {
    log("building apps/web (next build) and apps/service (its bundle) for production");
    await buildApps();
  }
  server = await startWeb(3300, serverEnv());
  if (args.focus !== undefined && args.focus !== "service" && args.focus !== "web") {
    throw new Error(`--focus takes service or web, not "${args.focus}"`);
  }
  const context = createScenarioContext({
    settings,
    pool,
    prisma,
    web: server,
    authSecret,
    serverEnv: serverEnv(),
  });
  if (args.focus) await runFocus(context, args.focus);
  else {
    const report = await runScenarios(context);
    const { rows: version } = await pool.query<{ server_version: string }>("SHOW server_version");
    writeReport(report, describeMachine(`PostgreSQL ${version[0]?.server_version ?? "unknown"}`));
  }
  const failures = context.correctness.filter((check) => !check.ok);
  for (const failure of failures) console.error(`✗ ${failure.name}: ${failure.detail}`);
  exitCode = failures.length > 0 ? 1 : 0;
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  exitCode = 1;
} finally {
  await server?.stop();
  await pool.end();
  await prisma.$disconnect();
  await database.drop();
}
process.exit(exitCode);

/** What the servers under test run with: the same for `next start` and the plain REST server. */
function serverEnv(): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: String(concurrency),
    AUTH_SECRET: authSecret,
    CREDITS_SERVICE_TOKEN: benchServiceToken,
    RATE_LIMIT_TOKEN_PER_MINUTE: "10000000",
    RATE_LIMIT_USER_PER_MINUTE: "10000000",
    LOG_LEVEL: "warn",
    STRIPE_SECRET_KEY: "sk_test_bench",
    STRIPE_WEBHOOK_SECRET: benchWebhookSecret,
    // Nothing listens there: the events of this benchmark need no call to Stripe's API.
    STRIPE_API_URL: "http://127.0.0.1:9",
  };
}

async function runScenarios(context: ScenarioContext): Promise<BenchReport> {
  const accounts = await seedSpendAccounts(context);
  await warmUp(context, accounts);
  const { floor, restFloor } = await measureFloors(context);
  const { spread, hot, trpc } = await measureSpends(context, accounts);
  const { ceilingSpread, ceilingHot, statementSpread } = await measureCeiling(context, accounts);
  const service = await measurePlainRest(context, accounts);
  const { plainSpread, plainSpreadWebhook, plainHot, purchaseSpread, purchaseHot } = service;
  const { grpcSpread, grpcHot } = service;
  for (const row of [
    statementSpread,
    plainSpread,
    plainSpreadWebhook,
    purchaseSpread,
    grpcSpread,
  ]) {
    row.ceilingRatio = ratio(row.load.opsPerSec, ceilingSpread.load.opsPerSec);
  }
  for (const row of [plainHot, purchaseHot, grpcHot]) {
    row.ceilingRatio = ratio(row.load.opsPerSec, ceilingHot.load.opsPerSec);
  }
  spread.ceilingRatio = ratio(spread.load.opsPerSec, ceilingSpread.load.opsPerSec);
  trpc.ceilingRatio = ratio(trpc.load.opsPerSec, ceilingSpread.load.opsPerSec);
  hot.ceilingRatio = ratio(hot.load.opsPerSec, ceilingHot.load.opsPerSec);
  floor.ceilingRatio = ratio(floor.load.opsPerSec, ceilingSpread.load.opsPerSec);
  restFloor.ceilingRatio = ratio(restFloor.load.opsPerSec, ceilingSpread.load.opsPerSec);
  for (const row of [spread, hot, trpc]) {
    row.floorRatio = ratio(row.load.opsPerSec, floor.load.opsPerSec);
  }
  const ledgerLong = await measureNaive(context);
  const overspend = await raceForLastCredits(context);
  const growth = await measureGrowth(context, ledgerLong);
  await measureWebhooks(context);
  return {
    quick,
    rows: context.rows,
    growth,
    overspend,
    correctness: context.correctness,
    settings: { ...settings, concurrency, accountCount },
  };
}

/** --focus: the ceilings and the chosen rows, each printed with its share of the ceiling. */
async function runFocus(context: ScenarioContext, focus: string): Promise<void> {
  const accounts = await seedSpendAccounts(context);
  let floor: Row | undefined;
  if (focus === "web") {
    await warmUp(context, accounts);
    floor = (await measureFloors(context)).floor;
    await measureSpends(context, accounts);
  }
  const { ceilingSpread, ceilingHot } = await measureCeiling(context, accounts);
  if (focus === "service") await measurePlainRest(context, accounts);
  for (const row of context.rows) {
    const hot = row.id.includes("hot");
    const base = (hot ? ceilingHot : ceilingSpread).load.opsPerSec;
    const ofFloor = floor
      ? `, ${Math.round((row.load.opsPerSec / floor.load.opsPerSec) * 100)}% of the Next.js floor`
      : "";
    const cpu = row.cpu ? ` · CPU ms/op ${JSON.stringify(row.cpu)}` : "";
    const batch = row.spendsPerBatch ? ` · ${row.spendsPerBatch} spends per batch` : "";
    console.log(
      `${row.name}: ${Math.round(row.load.opsPerSec)}/s, p50 ${row.load.p50} ms, ${Math.round((row.load.opsPerSec / base) * 100)}% of the ${hot ? "hot " : ""}ceiling${ofFloor}${cpu}${batch}`,
    );
  }
}
