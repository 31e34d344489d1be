// The designs issued straight to Postgres with the pg driver, no HTTP and no ORM: the ceiling, the
// naive design, and this ledger's own spend statement.
//
// The ceiling keeps the guarantees of a ledger spend in one statement: the idempotency key is
// stored (a replay changes nothing), the balance is checked and changed by a conditional update
// (atomic under concurrency), and an entry with the balance after it is appended.
//
// The naive design is the original design document's DeductCredits: the balance is the SUM over all
// of the user's transactions, checked, then a row is inserted, in a READ COMMITTED transaction with
// no lock, so concurrent deductions all see the same balance.
import type pg from "pg";

/** One ceiling deduction; false when refused (not enough credits, or the key was used). */
export async function ceilingSpend(
  pool: pg.Pool,
  accountId: number,
  amount: number,
  key: string,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `WITH claimed AS (
       INSERT INTO bench_keys (key) VALUES ($2) ON CONFLICT DO NOTHING RETURNING key
     ), account AS (
       UPDATE bench_accounts SET balance = balance - $3
       WHERE id = $1 AND balance >= $3 AND EXISTS (SELECT 1 FROM claimed)
       RETURNING balance
     )
     INSERT INTO bench_ledger (account_id, amount, balance_after, key)
     SELECT $1, -$3::bigint, balance, $2 FROM account`,
    [accountId, key, amount],
  );
  return rowCount === 1;
}

/** One naive deduction, as the original design wrote it; false when it saw too small a balance. */
export async function naiveSpend(pool: pg.Pool, userId: number, amount: number): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ balance: string }>(
      "SELECT COALESCE(SUM(amount), 0) AS balance FROM bench_naive WHERE user_id = $1",
      [userId],
    );
    const balance = Number(rows[0]?.balance ?? 0);
    if (balance < amount) {
      await client.query("ROLLBACK");
      return false;
    }
    await client.query(
      `INSERT INTO bench_naive (user_id, type, amount, balance, description, created_at)
       VALUES ($1, 'SPEND', $2, $3, 'Benchmark spend', now())`,
      [userId, -amount, balance - amount],
    );
    await client.query("COMMIT");
    return true;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * One spend of this ledger as the REST API issues it (`credits_debit`, the statement behind
 * `runSimpleDebit`), with a fresh idempotency key; false when refused.
 */
export async function ledgerSpend(pool: pg.Pool, userId: string, key: string): Promise<boolean> {
  const { rows } = await pool.query<{ outcome: string }>(
    `SELECT outcome FROM credits_debit('REST:bench', $1, 'credits.deduct', $1, $2::uuid, 'default',
       1, 'SPEND', 'Benchmark spend', NULL, 'SERVICE', 'bench', NULL, NULL, NULL)`,
    [key, userId],
  );
  return rows[0]?.outcome === "ok";
}

/** Ceiling accounts whose balance no longer equals their funding minus their entries. */
export async function ceilingViolations(pool: pg.Pool, funding: number): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT COUNT(*) AS count FROM bench_accounts a
     WHERE a.balance <> $1::bigint + COALESCE((SELECT SUM(amount) FROM bench_ledger l WHERE l.account_id = a.id), 0)
        OR a.balance < 0`,
    [funding],
  );
  return Number(rows[0]?.count ?? 0);
}

/** How far below zero the naive user's summed balance went: credits spent that it never had. */
export async function naiveOverspent(pool: pg.Pool, userId: number): Promise<number> {
  const { rows } = await pool.query<{ balance: string }>(
    "SELECT COALESCE(SUM(amount), 0) AS balance FROM bench_naive WHERE user_id = $1",
    [userId],
  );
  return Math.max(0, -Number(rows[0]?.balance ?? 0));
}
