// 5a–5d: the original design's naive ledger (bench/lib/direct.ts) on the same shape of data, then
// at a long history, next to this ledger at the same history, through REST and straight to Postgres.
import { randomUUID } from "node:crypto";
import { seedHistory, seedNaiveUsers } from "../lib/data.ts";
import { ledgerSpend, naiveSpend } from "../lib/direct.ts";
import { loopLoad } from "../lib/load.ts";
import { fmt } from "../lib/report.ts";
import { restDeduct } from "../lib/requests.ts";
import {
  accountCount,
  concurrency,
  funding,
  ratio,
  type ScenarioContext,
} from "../lib/scenario.ts";

/** Returns this ledger's account with the long history, which the growth scenario reuses. */
export async function measureNaive({ web, pool, settings, measured, timedLoad }: ScenarioContext) {
  const url = web.url;
  await seedNaiveUsers(pool, { firstId: 1, count: accountCount, entries: 1, balance: funding });
  await measured(
    {
      id: "naive-spread",
      name: "5a. naive design, spread (pg)",
      detail: `${accountCount} users with 1 entry, SUM then INSERT`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () => naiveSpend(pool, 1 + Math.floor(Math.random() * accountCount), 1),
        }),
    },
    undefined,
    null,
  );
  const longHistory = settings.naiveHistory;
  const naiveLong = accountCount + 1;
  await seedNaiveUsers(pool, {
    firstId: naiveLong,
    count: 1,
    entries: longHistory,
    balance: funding,
  });
  const naiveAtHistory = await measured(
    {
      id: "naive-history",
      name: `5b. naive design at ${fmt(longHistory)} entries (pg)`,
      detail: `1 user, ${concurrency} clients`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () => naiveSpend(pool, naiveLong, 1),
        }),
    },
    undefined,
    null,
  );
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
  const ledgerDirect = await measured(
    {
      id: "ledger-history-direct",
      name: `5d. this ledger at ${fmt(longHistory)} entries (pg, credits_debit)`,
      detail: `1 account, ${concurrency} clients, the REST API's spend statement without HTTP`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () => ledgerSpend(pool, ledgerLong.userId, randomUUID()),
        }),
    },
    undefined,
    null,
  );
  ledgerDirect.naiveRatio = ratio(ledgerDirect.load.opsPerSec, naiveAtHistory.load.opsPerSec);
  return ledgerLong;
}
