// `pnpm ledger:expire`: posts EXPIRE entries for grants whose expiry has come and expires holds
// whose time is up. Run it from cron (e.g. every minute); running it twice is harmless.
import { runExpirySweep } from "@credits/credits";
import { withScriptDatabase } from "./with-database.ts";

const result = await withScriptDatabase(runExpirySweep);
console.log(
  `expired grants in ${result.accountsWithExpiredGrants} account(s), expired ${result.holdsExpired} hold(s)`,
);
