// The ledger's invariants, checked by SQL over the whole database (`pnpm ledger:verify`).
import type { Database } from "@credits/db";

export interface LedgerViolation {
  check: string;
  detail: string;
}

interface Check {
  name: string;
  /** Returns one row per violation, with a `detail` column. */
  sql: string;
}

const checks: Check[] = [
  {
    name: "account balance equals the sum of its entries",
    sql: `SELECT a.id || ': balance ' || a.balance || ', entries ' || COALESCE(SUM(t.amount), 0) AS detail
          FROM credit_accounts a LEFT JOIN credit_transactions t ON t.account_id = a.id
          GROUP BY a.id HAVING a.balance <> COALESCE(SUM(t.amount), 0)`,
  },
  {
    name: "account balance equals the remaining credits of its grants",
    sql: `SELECT a.id || ': balance ' || a.balance || ', grants ' || COALESCE(SUM(g.remaining), 0) AS detail
          FROM credit_accounts a LEFT JOIN credit_grants g ON g.account_id = a.id
          GROUP BY a.id HAVING a.balance <> COALESCE(SUM(g.remaining), 0)`,
  },
  {
    // A spend settles nothing before the account's next_expiry_at: a grant expiring sooner would
    // stay spendable past its expiry.
    name: "no live grant expires before its account's next expiry",
    sql: `SELECT 'grant ' || g.id || ': expires ' || g.expires_at || ', account next expiry '
            || COALESCE(a.next_expiry_at::text, 'none') AS detail
          FROM credit_grants g JOIN credit_accounts a ON a.id = g.account_id
          WHERE g.remaining > 0 AND g.expires_at IS NOT NULL
            AND (a.next_expiry_at IS NULL OR g.expires_at < a.next_expiry_at)`,
  },
  {
    name: "no negative balance",
    sql: `SELECT id || ': balance ' || balance AS detail FROM credit_accounts WHERE balance < 0`,
  },
  {
    name: "each entry's balance-after follows from the previous one",
    sql: `SELECT 'entry ' || id || ': balance_after ' || balance_after || ', expected ' || expected AS detail
          FROM (SELECT id, balance_after,
                  SUM(amount) OVER (PARTITION BY account_id ORDER BY id) AS expected
                FROM credit_transactions) t
          WHERE balance_after <> expected`,
  },
  {
    name: "every transfer has both sides, each of its amount",
    sql: `SELECT 'transfer ' || tr.id || ': ' || COUNT(t.id) || ' entries' AS detail
          FROM credit_transfers tr LEFT JOIN credit_transactions t ON t.transfer_id = tr.id
          GROUP BY tr.id, tr.amount
          HAVING COUNT(*) FILTER (WHERE t.type = 'TRANSFER_OUT' AND t.amount = -tr.amount) <> 1
              OR COUNT(*) FILTER (WHERE t.type = 'TRANSFER_IN' AND t.amount = tr.amount) <> 1
              OR COUNT(t.id) <> 2`,
  },
  {
    name: "no hold captured beyond its reserve, and captures match their entries",
    sql: `SELECT 'hold ' || h.id || ': reserved ' || h.amount || ', captured ' || h.captured_amount
                 || ', entries ' || COALESCE(-SUM(t.amount), 0) AS detail
          FROM credit_holds h LEFT JOIN credit_transactions t ON t.hold_id = h.id AND t.type = 'HOLD_CAPTURE'
          GROUP BY h.id
          HAVING h.captured_amount > h.amount OR h.captured_amount <> COALESCE(-SUM(t.amount), 0)
              OR (h.status <> 'CAPTURED' AND h.captured_amount <> 0)`,
  },
  {
    name: "no purchase refunded beyond what was paid",
    sql: `SELECT 'purchase ' || p.id || ': paid ' || p.credits || ', refunded ' || p.refunded_credits
                 || ', refund entries ' || COALESCE(SUM(t.amount), 0) AS detail
          FROM purchases p LEFT JOIN credit_transactions t ON t.purchase_id = p.id AND t.type = 'REFUND'
          GROUP BY p.id
          HAVING p.refunded_credits > p.credits OR p.refunded_credits <> COALESCE(SUM(t.amount), 0)`,
  },
];

/** Runs every invariant check and returns the violations (none on a healthy ledger). */
export async function verifyLedger(db: Database): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];
  for (const check of checks) {
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(check.sql);
    violations.push(...rows.map((row) => ({ check: check.name, detail: row.detail })));
  }
  return violations;
}
