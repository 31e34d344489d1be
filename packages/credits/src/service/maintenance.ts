// Jobs that keep the stored state in step with time: posting EXPIRE entries for grants whose
// expiry has come, and marking holds whose time is up. Reads and mutations already treat both as
// expired before these run; the jobs make history say so.
import type { Database } from "@credits/db";
import { lockAccount } from "./ledger.ts";

export interface ExpirySweepResult {
  accountsWithExpiredGrants: number;
  holdsExpired: number;
}

/** Posts due grant expiries account by account (one short transaction each) and expires holds. */
export async function runExpirySweep(db: Database, batchSize = 500): Promise<ExpirySweepResult> {
  const accounts = await db.$queryRaw<{ user_id: string; app_id: string }[]>`
    SELECT DISTINCT a.user_id, a.app_id FROM credit_grants g JOIN credit_accounts a ON a.id = g.account_id
    WHERE g.remaining > 0 AND g.expires_at <= now()
    LIMIT ${batchSize}`;
  for (const account of accounts) {
    // Locking the account posts its due expiries (see lockAccount); the actor is the system.
    await db.$transaction((tx) =>
      lockAccount(tx, account.user_id, account.app_id, { create: false }),
    );
  }
  const holdsExpired = await db.$executeRaw`
    UPDATE credit_holds SET status = 'EXPIRED', resolved_at = now()
    WHERE status = 'ACTIVE' AND expires_at <= now()`;
  return { accountsWithExpiredGrants: accounts.length, holdsExpired: Number(holdsExpired) };
}
