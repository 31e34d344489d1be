// What an app owes its customers: the credits outstanding on every account in the app.
import type { Database } from "@credits/db";
import { NotFoundError } from "../errors.ts";

/**
 * The sum of the stored balances of every account in `appId`: one aggregate over the accounts'
 * app index, no ledger scan. Grants past their expiry still count until the sweep posts their
 * EXPIRE entries (a user's own balance leaves them out at once; summing that per account would
 * read every grant of the app).
 */
export async function appOutstandingCredits(db: Database, appId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ known: boolean; total: bigint }[]>`
    SELECT EXISTS (SELECT 1 FROM apps WHERE id = ${appId}) AS known,
      (SELECT COALESCE(SUM(balance), 0) FROM credit_accounts WHERE app_id = ${appId})::bigint AS total`;
  if (!row?.known) throw new NotFoundError("app", appId);
  return Number(row.total);
}
