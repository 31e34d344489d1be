// 4a and 4b: the ceiling, the same spends issued straight to Postgres with the same guarantees
// (bench/lib/direct.ts), which the HTTP rows are compared with; 4c: this ledger's own spend
// statement (credits_debit) issued the same way over the spread accounts, for what the statement
// costs before any HTTP.
import { randomUUID } from "node:crypto";
import { ceilingSpend, ceilingViolations, ledgerSpend } from "../lib/direct.ts";
import { loopLoad } from "../lib/load.ts";
import { accountCount, concurrency, funding, pick, type ScenarioContext } from "../lib/scenario.ts";
import type { SpendAccounts } from "./accounts.ts";

export async function measureCeiling(
  { pool, settings, measured }: ScenarioContext,
  { spreadUsers }: SpendAccounts,
) {
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
    null,
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
    null,
  );
  const statementSpread = await measured(
    {
      id: "statement-spread",
      name: "4c. this ledger's spend statement, spread (pg, credits_debit)",
      detail: `${accountCount} accounts, ${concurrency} clients, the REST API's statement without HTTP`,
      run: () =>
        loopLoad({
          concurrency,
          seconds: settings.seconds,
          operation: () => ledgerSpend(pool, pick(spreadUsers), randomUUID()),
        }),
    },
    undefined,
    null,
  );
  return { ceilingSpread, ceilingHot, statementSpread };
}
