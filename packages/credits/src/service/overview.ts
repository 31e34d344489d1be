// Figures for the operators' overview: credit flows per day and what is owed to users.
import type { Database } from "@credits/db";

/**
 * Credits granted, spent, expired and refunded per day (UTC) over the last `days` days, every day
 * present. Transfers move credits between users and count in none of them.
 */
export async function creditFlowsByDay(db: Database, days: number) {
  const since = new Date(Date.now() - (days - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const rows = await db.$queryRaw<
    { day: string; granted: bigint; spent: bigint; expired: bigint; refunded: bigint }[]
  >`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
      COALESCE(SUM(amount) FILTER (WHERE type = 'GRANT' OR (type = 'ADJUSTMENT' AND amount > 0)), 0)::bigint AS granted,
      COALESCE(-SUM(amount) FILTER (WHERE type IN ('SPEND', 'PURCHASE', 'HOLD_CAPTURE')), 0)::bigint AS spent,
      COALESCE(-SUM(amount) FILTER (WHERE type = 'EXPIRE'), 0)::bigint AS expired,
      COALESCE(SUM(amount) FILTER (WHERE type = 'REFUND'), 0)::bigint AS refunded
    FROM credit_transactions
    WHERE created_at >= ${since}
    GROUP BY 1`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(since.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return {
      day,
      granted: Number(row?.granted ?? 0),
      spent: Number(row?.spent ?? 0),
      expired: Number(row?.expired ?? 0),
      refunded: Number(row?.refunded ?? 0),
    };
  });
}

/** Outstanding credit liability: every account's credits that have not expired, and the accounts holding them. */
export async function creditLiability(db: Database) {
  const [row] = await db.$queryRaw<{ balance: bigint; expired: bigint; accounts: bigint }[]>`
    SELECT
      (SELECT COALESCE(SUM(balance), 0) FROM credit_accounts)::bigint AS balance,
      (SELECT COALESCE(SUM(remaining), 0) FROM credit_grants WHERE remaining > 0 AND expires_at <= now())::bigint AS expired,
      (SELECT COUNT(*) FROM credit_accounts WHERE balance > 0)::bigint AS accounts`;
  return {
    outstanding: Number((row?.balance ?? 0n) - (row?.expired ?? 0n)),
    accountsWithCredits: Number(row?.accounts ?? 0n),
  };
}
