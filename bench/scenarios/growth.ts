// 6. Growth: the same operations on accounts with ever longer histories, one client at a time.
import { seedHistory } from "../lib/data.ts";
import { httpLoad } from "../lib/load.ts";
import { type BenchReport, fmt } from "../lib/report.ts";
import { restDeduct, restGet } from "../lib/requests.ts";
import { log, type ScenarioContext } from "../lib/scenario.ts";

/** `ledgerLong` is the account of the naive comparison, reused at its size rather than seeded again. */
export async function measureGrowth(
  { web, pool, settings, measured }: ScenarioContext,
  ledgerLong: Awaited<ReturnType<typeof seedHistory>>,
): Promise<BenchReport["growth"]> {
  const url = web.url;
  const longHistory = settings.naiveHistory;
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
  return growth;
}
