// The funded accounts the spend scenarios share (spread over many, one hot, tRPC users with their
// sessions, the ceiling's own), and the server's warm-up on them before anything is measured.
import { seedCeilingAccounts, seedFundedUsers } from "../lib/data.ts";
import { httpLoad } from "../lib/load.ts";
import { restDeduct, sessionCookie, trpcPurchase } from "../lib/requests.ts";
import { accountCount, funding, log, pick, type ScenarioContext } from "../lib/scenario.ts";

export interface SpendAccounts {
  spreadUsers: string[];
  hotUser: string;
  /** The session cookies of the tRPC users. */
  cookies: string[];
}

export async function seedSpendAccounts({
  pool,
  authSecret,
}: ScenarioContext): Promise<SpendAccounts> {
  log(`seeding ${accountCount} funded accounts`);
  const spreadUsers = await seedFundedUsers(pool, "spread", accountCount, funding);
  const [hotUser] = await seedFundedUsers(pool, "hot", 1, funding);
  const trpcUsers = await seedFundedUsers(pool, "trpc", accountCount, funding);
  if (!hotUser) throw new Error("no hot user seeded");
  await seedCeilingAccounts(pool, accountCount + 1, funding);
  const cookies = await Promise.all(trpcUsers.map((id) => sessionCookie(id, authSecret)));
  return { spreadUsers, hotUser, cookies };
}

export async function warmUp({ web }: ScenarioContext, { spreadUsers, cookies }: SpendAccounts) {
  log("warming up the server");
  const url = web.url;
  await httpLoad({ url, connections: 8, amount: 2_000, next: () => restDeduct(pick(spreadUsers)) });
  await httpLoad({ url, connections: 8, amount: 1_000, next: () => trpcPurchase(pick(cookies)) });
}
