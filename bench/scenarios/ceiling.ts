// 4a and 4b: the ceiling, the same spends issued straight to Postgres with the same guarantees
// (bench/lib/direct.ts), which the HTTP rows are compared with.
import { randomUUID } from "node:crypto";
import { ceilingSpend, ceilingViolations } from "../lib/direct.ts";
import { loopLoad } from "../lib/load.ts";
import { accountCount, concurrency, funding, type ScenarioContext } from "../lib/scenario.ts";

export async function measureCeiling({ pool, settings, measured }: ScenarioContext) {
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
  return { ceilingSpread, ceilingHot };
}
