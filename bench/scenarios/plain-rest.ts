// 1b and 2b: the credits service (apps/service: the same REST handler on node:http, without
// Next.js around it), on the same data, for what the framework costs.
import { httpLoad } from "../lib/load.ts";
import { restDeduct } from "../lib/requests.ts";
import { accountCount, concurrency, pick, type ScenarioContext } from "../lib/scenario.ts";
import { startService } from "../lib/server.ts";
import type { SpendAccounts } from "./accounts.ts";

export async function measurePlainRest(
  { serverEnv, measured, timedLoad }: ScenarioContext,
  { spreadUsers, hotUser }: SpendAccounts,
) {
  const plain = await startService(3301, serverEnv);
  try {
    await httpLoad({
      url: plain.url,
      connections: 8,
      amount: 1_000,
      next: () => restDeduct(pick(spreadUsers)),
    });
    const plainSpread = await measured(
      {
        id: "plain-spread",
        name: "1b. spend, spread (apps/service: REST handler on node:http)",
        detail: `${accountCount} accounts, ${concurrency} clients`,
        run: () => timedLoad(plain.url, () => restDeduct(pick(spreadUsers))),
      },
      undefined,
      plain,
    );
    const plainHot = await measured(
      {
        id: "plain-hot",
        name: "2b. spend, hot (apps/service: REST handler on node:http)",
        detail: `1 account, ${concurrency} clients`,
        run: () => timedLoad(plain.url, () => restDeduct(hotUser)),
      },
      undefined,
      plain,
    );
    return { plainSpread, plainHot };
  } finally {
    await plain.stop();
  }
}
