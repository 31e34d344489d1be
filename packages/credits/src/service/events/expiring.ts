// credits.expiring: once per grant, a set number of days before it expires, recorded by the
// worker's maintenance round (nothing changes at that moment for a transaction to record it).
import type { Database } from "@credits/db";
import { recordEvent } from "./record.ts";

/** Grants one round announces at most; the next round takes the rest. */
const noticesPerRound = 500;

interface DueGrant {
  id: string;
  userId: string;
  appId: string;
  remaining: bigint;
  expiresAt: Date;
  balance: bigint;
}

/**
 * Records credits.expiring for live grants that expire within `noticeDays` and were not announced
 * yet, marking each in the same transaction: a grant is announced once, whatever runs in parallel
 * (rows another round holds are skipped). Answers how many were announced.
 */
export function recordExpiringNotices(db: Database, noticeDays: number): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<DueGrant[]>`
      SELECT g.id::text AS id, a.user_id::text AS "userId", a.app_id AS "appId", g.remaining,
        g.expires_at AS "expiresAt", a.balance
      FROM credit_grants g JOIN credit_accounts a ON a.id = g.account_id
      WHERE g.expiry_notice_at IS NULL AND g.remaining > 0 AND g.expires_at IS NOT NULL
        AND g.expires_at > now() AND g.expires_at <= now() + make_interval(days => ${noticeDays})
      ORDER BY g.expires_at
      LIMIT ${noticesPerRound}
      FOR UPDATE OF g SKIP LOCKED`;
    for (const grant of due) {
      await tx.$executeRaw`UPDATE credit_grants SET expiry_notice_at = now() WHERE id = ${grant.id}::uuid`;
      await recordEvent(tx, {
        type: "credits.expiring",
        userId: grant.userId,
        appId: grant.appId,
        data: {
          grant_id: grant.id,
          amount: Number(grant.remaining),
          expires_at: grant.expiresAt.toISOString(),
          balance: Number(grant.balance),
        },
      });
    }
    return due.length;
  });
}
