// 1, 2 and 3: spends through `next start`, over many accounts and on one, by REST and by tRPC.
import { restDeduct, trpcPurchase } from "../lib/requests.ts";
import { accountCount, concurrency, pick, type ScenarioContext } from "../lib/scenario.ts";
import type { SpendAccounts } from "./accounts.ts";

export async function measureSpends(
  { web, measured, timedLoad }: ScenarioContext,
  { spreadUsers, hotUser, cookies }: SpendAccounts,
) {
  const url = web.url;
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
  return { spread, hot, trpc };
}
