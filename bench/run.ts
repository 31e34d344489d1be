// `pnpm bench [--quick] [--skip-build] [--report-only]`: measures the credit path of a production
// build of apps/web (HTTP → Next.js → REST or tRPC → Prisma → Postgres) against what Postgres itself can do with the
// same guarantees, against the original design's naive ledger, and as history grows. Numbers are
// reported, never judged: only a broken invariant, an over-spend of this ledger or a double grant
// makes it exit non-zero. Runs on a scratch database of its own on the server in DATABASE_URL.
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { verifyLedger } from "@credits/credits";
import { createDatabaseClient } from "@credits/db";
import { loadRootEnvFile } from "@credits/db/env";
import { migrateDeploy } from "@credits/db/migrate";
import { createScratchDatabase, isEmbedded } from "@credits/db/testing";
import pg from "pg";
import { repoRoot } from "../scripts/run.ts";
import {
  createDirectTables,
  seedCeilingAccounts,
  seedFundedUsers,
  seedHistory,
  seedNaiveUsers,
} from "./lib/data.ts";
import {
  ceilingSpend,
  ceilingViolations,
  ledgerSpend,
  naiveOverspent,
  naiveSpend,
} from "./lib/direct.ts";
import { type HttpRequestSpec, httpLoad, type LoadResult, loopLoad } from "./lib/load.ts";
import {
  type BenchReport,
  describeMachine,
  type Row,
  rewriteReport,
  writeReport,
} from "./lib/report.ts";
import {
  benchServiceToken,
  benchWebhookSecret,
  checkoutEvent,
  restDeduct,
  restGet,
  sessionCookie,
  signedWebhook,
  trpcPurchase,
} from "./lib/requests.ts";
import { buildWeb, type RunningServer, startPlainRest, startWeb } from "./lib/server.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean" },
    "skip-build": { type: "boolean" },
    "report-only": { type: "boolean" },
  },
});
if (args["report-only"]) {
  rewriteReport();
  process.exit(0);
}
const quick = Boolean(args.quick);
const settings = quick
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
const concurrency = 32;
const accountCount = 1_000;
const funding = 1_000_000_000;

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

function log(message: string) {
  console.log(`▸ ${message}`);
}

const database = await createScratchDatabase(serverUrl, "credits_bench");
const pool = new pg.Pool({ connectionString: database.url, max: concurrency + 4 });
const prisma = createDatabaseClient(database.url, { poolMax: 2 });
const authSecret = randomBytes(32).toString("base64");
let server: Awaited<ReturnType<typeof startWeb>> | null = null;
let exitCode = 0;

try {
  log(`scratch database ready; migrating${quick ? " (quick mode)" : ""}`);
  await migrateDeploy({ databaseUrl: database.url });
  await createDirectTables(pool);
  if (!args["skip-build"]) {
    log("building apps/web for production (next build)");
    await buildWeb();
  }
  server = await startWeb(3300, serverEnv());
  const report = await runScenarios(server);
  const failures = report.correctness.filter((check) => !check.ok);
  for (const failure of failures) console.error(`✗ ${failure.name}: ${failure.detail}`);
  exitCode = failures.length > 0 ? 1 : 0;
  const { rows: version } = await pool.query<{ server_version: string }>("SHOW server_version");
  writeReport(report, describeMachine(`PostgreSQL ${version[0]?.server_version ?? "unknown"}`));
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

async function runScenarios(web: NonNullable<typeof server>): Promise<BenchReport> {
  const rows: Row[] = [];
  const correctness: BenchReport["correctness"] = [];
  const url = web.url;

  /**
   * Runs a measured step: resets the peak memory of the server under test (`next start` unless
   * another is named), then checks the invariants.
   */
  async function measured(
    row: Omit<Row, "violations" | "peakRssMb" | "load"> & { run: () => Promise<LoadResult> },
    extraViolations: () => Promise<number> = async () => 0,
    sampled: RunningServer = web,
  ): Promise<Row> {
    log(row.name);
    sampled.resetPeak();
    const load = await row.run();
    const peakRssMb = sampled.peakRssMb();
    const violations = (await verifyLedger(prisma)).length + (await extraViolations());
    const { run: _run, ...rest } = row;
    const result: Row = { ...rest, load, violations, peakRssMb };
    rows.push(result);
    correctness.push({
      name: `${row.name}: ledger invariants`,
      ok: violations === 0,
      detail: `${violations} violation(s)`,
    });
    return result;
  }

  log(`seeding ${accountCount} funded accounts`);
  const spreadUsers = await seedFundedUsers(pool, "spread", accountCount, funding);
  const [hotUser] = await seedFundedUsers(pool, "hot", 1, funding);
  const trpcUsers = await seedFundedUsers(pool, "trpc", accountCount, funding);
  if (!hotUser) throw new Error("no hot user seeded");
  await seedCeilingAccounts(pool, accountCount + 1, funding);
  const cookies = await Promise.all(trpcUsers.map((id) => sessionCookie(id, authSecret)));
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

  log("warming up the server");
  await httpLoad({ url, connections: 8, amount: 2_000, next: () => restDeduct(pick(spreadUsers)) });
  await httpLoad({ url, connections: 8, amount: 1_000, next: () => trpcPurchase(pick(cookies)) });

  // What Next.js itself answers on this machine: a route that does no work at all.
  const floor = await measured({
    id: "next-floor",
    name: "0. Next.js floor (GET /health)",
    detail: `${concurrency} clients, a route handler that only answers`,
    run: () => timedLoad(url, () => ({ method: "GET", path: "/health" })),
  });
  // The same through the REST API's Pages-Router route and handler, stopping before any database
  // work: an unknown endpoint is answered 404 before the token is looked up.
  const restFloor = await measured({
    id: "rest-floor",
    name: "0b. REST API floor (an unknown endpoint)",
    detail: `${concurrency} clients, the REST route and handler answering 404, no database`,
    run: () => timedLoad(url, () => restGet("/api/credits/bench/no-such-endpoint"), [404]),
  });
  const spread = await measured({
    id: "spend-spread",
    name: "1. spend, spread (REST)",
    detail: `${accountCount} accounts, ${concurrency} clients, POST /api/credits/{id}/deduct`,
    run: () => timedLoad(url, () => restDeduct(pick(spreadUsers))),
  });
  const hot = await measured({
    id: "spend-hot",
    name: "2. spend, hot (REST)",
    detail: `1 account, ${concurrency} clients`,
    run: () => timedLoad(url, () => restDeduct(hotUser)),
  });
  const trpc = await measured({
    id: "spend-trpc",
    name: "3. spend through tRPC",
    detail: `${accountCount} accounts, ${concurrency} clients, purchases.create with a session`,
    run: () => timedLoad(url, () => trpcPurchase(pick(cookies))),
  });
  const ceilingKeys = () => randomUUID();
  const ceilingSpread = await measured(
    {
      id: "ceiling-spread",
      name: "4a. ceiling, spread (pg, no HTTP)",
      detail: `${accountCount} accounts, ${concurrency} clients, one statement per spend`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () =>
            ceilingSpend(pool, 1 + Math.floor(Math.random() * accountCount), 1, ceilingKeys()),
        }),
    },
    () => ceilingViolations(pool, funding),
  );
  const ceilingHot = await measured(
    {
      id: "ceiling-hot",
      name: "4b. ceiling, hot (pg, no HTTP)",
      detail: `1 account, ${concurrency} clients`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () => ceilingSpend(pool, accountCount + 1, 1, ceilingKeys()),
        }),
    },
    () => ceilingViolations(pool, funding),
  );
  // The same REST handler without Next.js around it, on the same data, for what the framework costs.
  const plain = await startPlainRest(3301, serverEnv());
  let plainRows: Row[];
  try {
    await httpLoad({
      url: plain.url,
      connections: 8,
      amount: 1_000,
      next: () => restDeduct(pick(spreadUsers)),
    });
    plainRows = [
      await measured(
        {
          id: "plain-spread",
          name: "1b. spend, spread (REST handler on node:http, no Next.js)",
          detail: `${accountCount} accounts, ${concurrency} clients`,
          run: () => timedLoad(plain.url, () => restDeduct(pick(spreadUsers))),
        },
        undefined,
        plain,
      ),
      await measured(
        {
          id: "plain-hot",
          name: "2b. spend, hot (REST handler on node:http, no Next.js)",
          detail: "1 account, 32 clients",
          run: () => timedLoad(plain.url, () => restDeduct(hotUser)),
        },
        undefined,
        plain,
      ),
    ];
  } finally {
    await plain.stop();
  }
  const [plainSpread, plainHot] = plainRows;
  if (plainSpread)
    plainSpread.ceilingRatio = ratio(plainSpread.load.opsPerSec, ceilingSpread.load.opsPerSec);
  if (plainHot) plainHot.ceilingRatio = ratio(plainHot.load.opsPerSec, ceilingHot.load.opsPerSec);
  spread.ceilingRatio = ratio(spread.load.opsPerSec, ceilingSpread.load.opsPerSec);
  trpc.ceilingRatio = ratio(trpc.load.opsPerSec, ceilingSpread.load.opsPerSec);
  hot.ceilingRatio = ratio(hot.load.opsPerSec, ceilingHot.load.opsPerSec);
  floor.ceilingRatio = ratio(floor.load.opsPerSec, ceilingSpread.load.opsPerSec);
  restFloor.ceilingRatio = ratio(restFloor.load.opsPerSec, ceilingSpread.load.opsPerSec);
  for (const row of [spread, hot, trpc]) {
    row.floorRatio = ratio(row.load.opsPerSec, floor.load.opsPerSec);
  }

  // 5. The naive design, on the same shape of data, then at a long history, then racing.
  await seedNaiveUsers(pool, { firstId: 1, count: accountCount, entries: 1, balance: funding });
  await measured({
    id: "naive-spread",
    name: "5a. naive design, spread (pg)",
    detail: `${accountCount} users with 1 entry, SUM then INSERT`,
    run: () =>
      loopLoad({
        concurrency,
        seconds: settings.seconds,
        operation: () => naiveSpend(pool, 1 + Math.floor(Math.random() * accountCount), 1),
      }),
  });
  const longHistory = settings.naiveHistory;
  const naiveLong = accountCount + 1;
  await seedNaiveUsers(pool, {
    firstId: naiveLong,
    count: 1,
    entries: longHistory,
    balance: funding,
  });
  const naiveAtHistory = await measured({
    id: "naive-history",
    name: `5b. naive design at ${fmt(longHistory)} entries (pg)`,
    detail: `1 user, ${concurrency} clients`,
    run: () =>
      loopLoad({
        concurrency,
        seconds: settings.seconds,
        operation: () => naiveSpend(pool, naiveLong, 1),
      }),
  });
  const ledgerLong = await seedHistory(pool, longHistory);
  const ledgerAtHistory = await measured({
    id: "ledger-history",
    name: `5c. this ledger at ${fmt(longHistory)} entries (REST)`,
    detail: `1 account, ${concurrency} clients`,
    run: () => timedLoad(url, () => restDeduct(ledgerLong.userId)),
  });
  ledgerAtHistory.naiveRatio = ratio(ledgerAtHistory.load.opsPerSec, naiveAtHistory.load.opsPerSec);
  // The same account's spends as the REST API's single statement, issued like the naive design's:
  // the two designs compared on the database alone.
  const ledgerDirect = await measured({
    id: "ledger-history-direct",
    name: `5d. this ledger at ${fmt(longHistory)} entries (pg, credits_debit)`,
    detail: `1 account, ${concurrency} clients, the REST API's spend statement without HTTP`,
    run: () =>
      loopLoad({
        concurrency,
        seconds: settings.seconds,
        operation: () => ledgerSpend(pool, ledgerLong.userId, randomUUID()),
      }),
  });
  ledgerDirect.naiveRatio = ratio(ledgerDirect.load.opsPerSec, naiveAtHistory.load.opsPerSec);

  // Racing for the last credits: every client deducts 1 until none are left.
  const attempts = settings.overspendBalance * 4;
  const naiveRacer = accountCount + 2;
  await seedNaiveUsers(pool, {
    firstId: naiveRacer,
    count: 1,
    entries: longHistory,
    balance: settings.overspendBalance,
  });
  let naiveAccepted = 0;
  let naiveTried = 0;
  await loopLoad({
    concurrency,
    seconds: 600,
    until: () => naiveTried >= attempts,
    operation: async () => {
      naiveTried += 1;
      const ok = await naiveSpend(pool, naiveRacer, 1);
      if (ok) naiveAccepted += 1;
      return ok;
    },
  });
  const naiveOver = await naiveOverspent(pool, naiveRacer);
  const [racer] = await seedFundedUsers(pool, "racer", 1, settings.overspendBalance);
  if (!racer) throw new Error("no racing user seeded");
  const race = await httpLoad({
    url,
    connections: concurrency,
    amount: attempts,
    expected: [200, 402],
    next: () => restDeduct(racer),
  });
  const ledgerAccepted = race.statuses[200] ?? 0;
  const ledgerOver = Math.max(0, ledgerAccepted - settings.overspendBalance);
  const overspend = {
    balance: settings.overspendBalance,
    attempts,
    naive: { accepted: naiveAccepted, overspent: naiveOver },
    ledger: { accepted: ledgerAccepted, overspent: ledgerOver },
  };
  correctness.push({
    name: "no over-spend by this ledger",
    ok: ledgerOver === 0 && ledgerAccepted === settings.overspendBalance,
    detail: `${ledgerAccepted} of ${attempts} deductions accepted with ${settings.overspendBalance} credits`,
  });

  // 6. Growth: the same operations on accounts with ever longer histories, one client at a time.
  const growth: BenchReport["growth"] = [];
  for (const size of settings.growthSizes) {
    log(`growth: seeding an account with ${fmt(size)} entries`);
    const history = size === longHistory ? ledgerLong : await seedHistory(pool, size);
    const operations = {
      balance: () => restGet(`/api/credits/${history.userId}/balance`),
      spend: () => restDeduct(history.userId),
      "history, first page": () => restGet(`/api/credits/${history.userId}/history?limit=50`),
      "history, deep page": () =>
        restGet(`/api/credits/${history.userId}/history?limit=50&cursor=${history.deepCursor}`),
    };
    for (const [operation, next] of Object.entries(operations)) {
      await httpLoad({ url, connections: 1, amount: 20, next });
      const row = await measured({
        id: `growth-${operation}-${size}`,
        name: `6. ${operation} @ ${fmt(size)}`,
        detail: `1 client, ${settings.growthRequests} requests`,
        run: () => httpLoad({ url, connections: 1, amount: settings.growthRequests, next }),
      });
      growth.push({ operation, entries: size, p50: row.load.p50, opsPerSec: row.load.opsPerSec });
    }
  }

  // 7. Webhooks: signed credit-pack events, some delivered twice, some paid twice over.
  const webhookUsers = await seedFundedUsers(pool, "webhook", 100, 0);
  const sessions = Array.from({ length: Math.round(settings.webhookEvents * 0.9) }, (_, index) => ({
    id: `cs_bench_${randomUUID().replaceAll("-", "")}`,
    userId: webhookUsers[index % webhookUsers.length] as string,
  }));
  const payloads = sessions.map((session) =>
    checkoutEvent("checkout.session.completed", session.id, session.userId),
  );
  const duplicates = settings.webhookEvents - payloads.length;
  for (let index = 0; index < duplicates; index += 1) {
    const at = Math.floor(Math.random() * payloads.length);
    const session = sessions[at % sessions.length];
    if (!session) continue;
    // Half are the same event again, half another event about the same payment.
    payloads.splice(
      at + 1,
      0,
      index % 2 === 0
        ? (payloads[at] as string)
        : checkoutEvent("checkout.session.async_payment_succeeded", session.id, session.userId),
    );
  }
  const queue = payloads.map(signedWebhook);
  await measured(
    {
      id: "webhooks",
      name: "7. webhooks",
      detail: `${payloads.length} signed events (${duplicates} duplicates), 16 clients`,
      run: () =>
        httpLoad({
          url,
          connections: 16,
          amount: queue.length,
          next: () => queue.shift() ?? signedWebhook(payloads[0] as string),
        }),
    },
    async () => {
      const { rows } = await pool.query<{ wrong: string }>(
        `SELECT COUNT(*) AS wrong FROM unnest($1::uuid[]) AS u(id)
         WHERE (SELECT COALESCE(SUM(amount), 0) FROM credit_transactions t
                WHERE t.user_id = u.id AND t.actor_type = 'STRIPE')
            <> 500 * (SELECT COUNT(*) FROM stripe_payments p WHERE p.user_id = u.id)`,
        [webhookUsers],
      );
      const { rows: paid } = await pool.query<{ count: string }>(
        "SELECT COUNT(*) AS count FROM stripe_payments WHERE id = ANY($1::text[])",
        [sessions.map((session) => session.id)],
      );
      const missing = sessions.length - Number(paid[0]?.count ?? 0);
      const wrong = Number(rows[0]?.wrong ?? 0);
      correctness.push({
        name: "webhooks: credits granted exactly once per payment",
        ok: missing === 0 && wrong === 0,
        detail: `${missing} payment(s) without credits, ${wrong} user(s) with the wrong total`,
      });
      return missing + wrong;
    },
  );

  return {
    quick,
    rows,
    growth,
    overspend,
    correctness,
    settings: { ...settings, concurrency, accountCount },
  };
}

/**
 * The timed load of the HTTP scenarios: every client sends `next()` for the scenario's time, and
 * answers with a status in `expected` count as done.
 */
function timedLoad(
  target: string,
  next: () => HttpRequestSpec,
  expected?: number[],
): Promise<LoadResult> {
  return httpLoad({
    url: target,
    connections: concurrency,
    seconds: settings.seconds,
    next,
    expected,
  });
}

function ratio(value: number, base: number): number {
  return base > 0 ? Math.round((value / base) * 100) / 100 : 0;
}

function fmt(value: number): string {
  return value.toLocaleString("en-US");
}
