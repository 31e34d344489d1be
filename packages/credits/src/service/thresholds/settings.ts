// Low-balance thresholds per user and app, as users, operators and backends read and set them
// (thresholds/default.ts: the default; the spend functions record the crossings).
import type { Database } from "@credits/db";
import { InvariantError } from "../../errors.ts";
import type { SetThresholdInput, ThresholdStatus } from "../../schemas/thresholds.ts";
import { auditAction } from "../audit.ts";
import { available, lockAccount } from "../ledger.ts";
import type { Actor, Queryable } from "../types.ts";
import { defaultLowBalanceThreshold } from "./default.ts";

interface ThresholdRow {
  custom: bigint | null;
  balance: bigint;
  held: bigint;
}

function thresholdStatus(appId: string, row: ThresholdRow | undefined): ThresholdStatus {
  const defaultThreshold = defaultLowBalanceThreshold();
  const custom = row?.custom == null ? null : Number(row.custom);
  const threshold = custom ?? defaultThreshold;
  const availableNow = row
    ? available({ balance: Number(row.balance), held: Number(row.held) })
    : 0;
  return {
    appId,
    threshold,
    custom,
    defaultThreshold,
    available: availableNow,
    low: threshold > 0 && availableNow < threshold,
  };
}

/**
 * The account's threshold and what it can spend, as getBalances counts it: grants past their
 * expiry that no sweep or debit has posted yet do not count, so the banner agrees with the balance.
 */
async function readThreshold(db: Queryable, userId: string, appId: string) {
  const [row] = await db.$queryRaw<ThresholdRow[]>`
    SELECT a.low_balance_threshold AS custom, credits_account_held(a.id) AS held,
      a.balance - (SELECT COALESCE(SUM(g.remaining), 0) FROM credit_grants g
        WHERE g.account_id = a.id AND g.remaining > 0 AND g.expires_at <= now())::bigint AS balance
    FROM credit_accounts a WHERE a.user_id = ${userId}::uuid AND a.app_id = ${appId}`;
  return row;
}

/** The status of an account that does not exist yet: the default applies, nothing is available. */
export function defaultThresholdStatus(appId: string): ThresholdStatus {
  return thresholdStatus(appId, undefined);
}

/** The user's threshold in the app, what applies, and whether available credits are below it. */
export async function getLowBalanceThreshold(
  db: Database,
  userId: string,
  appId: string,
): Promise<ThresholdStatus> {
  return thresholdStatus(appId, await readThreshold(db, userId, appId));
}

/**
 * Sets the user's threshold in the app (null: back to the default), creating the account if the
 * user has none there yet. An operator's or a service token's change is audit-logged (with the
 * operator's reason, or the token's `created_by`). Setting a threshold is no crossing: an account already below it records credits.balance_low at its next crossing only.
 */
export function setLowBalanceThreshold(
  db: Database,
  actor: Actor,
  userId: string,
  input: SetThresholdInput & { reason?: string },
): Promise<ThresholdStatus> {
  return db.$transaction(async (tx) => {
    const account = await lockAccount(tx, userId, input.appId, { create: true });
    if (!account) throw new InvariantError("an account that was just created cannot be locked");
    await tx.$executeRaw`UPDATE credit_accounts SET low_balance_threshold = ${input.threshold}::bigint
      WHERE id = ${account.id}::uuid`;
    await auditAction(tx, actor, {
      action: "credits.threshold",
      targetUserId: userId,
      reason: input.reason ?? null,
      before: { appId: input.appId, threshold: account.lowBalanceThreshold },
      after: { appId: input.appId, threshold: input.threshold },
    });
    return thresholdStatus(input.appId, await readThreshold(tx, userId, input.appId));
  });
}
