// `pnpm ledger:expire`: posts EXPIRE entries for grants whose expiry has come and expires holds
// whose time is up. Run it from cron (e.g. every minute); running it twice is harmless.
import { runExpirySweep } from "@credits/credits";
import { createDatabaseClient } from "@credits/db";
import { openDevelopmentDatabase } from "@credits/db/embedded";
import { loadRootEnvFile } from "@credits/db/env";
import { repoRoot } from "./run.ts";

loadRootEnvFile(repoRoot);
const database = await openDevelopmentDatabase();
const db = createDatabaseClient(database.url, { poolMax: 2 });
try {
  const result = await runExpirySweep(db);
  console.log(
    `expired grants in ${result.accountsWithExpiredGrants} account(s), expired ${result.holdsExpired} hold(s)`,
  );
} finally {
  await db.$disconnect();
  await database.stop();
}
