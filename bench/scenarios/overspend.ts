// Racing for the last credits: every client deducts 1 until none are left, in the naive design
// (which over-spends) and through this ledger's REST API (which must not).
import { seedFundedUsers, seedNaiveUsers } from "../lib/data.ts";
import { naiveOverspent, naiveSpend } from "../lib/direct.ts";
import { httpLoad, loopLoad } from "../lib/load.ts";
import type { BenchReport } from "../lib/report.ts";
import { restDeduct } from "../lib/requests.ts";
import { accountCount, concurrency, type ScenarioContext } from "../lib/scenario.ts";

export async function raceForLastCredits({
  web,
  pool,
  settings,
  correctness,
}: ScenarioContext): Promise<BenchReport["overspend"]> {
  const url = web.url;
  const longHistory = settings.naiveHistory;
  const attempts = settings.overspendBalance * 4;
  // After the naive users of bench/scenarios/naive.ts: 1 to accountCount, then the long history.
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
  return overspend;
}
