// Benchmark data, written with set-based SQL so that a million ledger entries take seconds. Every
// account is consistent with the ledger's invariants (balance = entries = grants' remaining), which
// the invariant check after each scenario confirms.
import type pg from "pg";

/** Users with one funded account each in the default app; returns their ids. */
export async function seedFundedUsers(
  pool: pg.Pool,
  tag: string,
  count: number,
  balance: number,
): Promise<string[]> {
  const { rows } = await pool.query<{ user_id: string }>(
    `WITH u AS (
       INSERT INTO users (id, email, updated_at)
       SELECT gen_random_uuid(), 'bench-' || $1 || '-' || g || '@bench.local', now()
       FROM generate_series(1, $2::int) g
       RETURNING id
     ), a AS (
       INSERT INTO credit_accounts (id, user_id, app_id, balance)
       SELECT gen_random_uuid(), id, 'default', $3::bigint FROM u
       RETURNING id, user_id, balance
     ), g AS (
       INSERT INTO credit_grants (id, account_id, source, amount, remaining)
       SELECT gen_random_uuid(), id, 'PROMOTION', balance, balance FROM a WHERE balance > 0
       RETURNING id, account_id, amount
     ), t AS (
       INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after,
         description, actor_type, grant_id)
       SELECT g.account_id, a.user_id, 'default', 'GRANT', g.amount, g.amount, 'Benchmark funding',
         'SYSTEM', g.id
       FROM g JOIN a ON a.id = g.account_id
     )
     SELECT user_id FROM a`,
    [tag, count, balance],
  );
  return rows.map((row) => row.user_id);
}

/**
 * One user whose account has `entries` ledger entries: a large grant, then spends of one credit.
 * Returns the user and a cursor deep in the history (the 50 oldest entries are after it).
 */
export async function seedHistory(
  pool: pg.Pool,
  entries: number,
): Promise<{ userId: string; deepCursor: string }> {
  const [userId] = await seedFundedUsers(pool, `history-${entries}`, 1, 0);
  if (!userId) throw new Error("no user seeded");
  const granted = entries + 1_000_000;
  const balance = granted - (entries - 1);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ account_id: string; grant_id: string }>(
      `WITH a AS (
         UPDATE credit_accounts SET balance = $2::bigint WHERE user_id = $1::uuid RETURNING id
       )
       INSERT INTO credit_grants (id, account_id, source, amount, remaining)
       SELECT gen_random_uuid(), id, 'PROMOTION', $3::bigint, $2::bigint FROM a
       RETURNING account_id, id AS grant_id`,
      [userId, balance, granted],
    );
    const row = rows[0];
    if (!row) throw new Error("no account for the history user");
    await client.query(
      `INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after,
         description, actor_type, grant_id, created_at)
       SELECT $1::uuid, $2::uuid, 'default',
         (CASE WHEN i = 0 THEN 'GRANT' ELSE 'SPEND' END)::"CreditTransactionType",
         CASE WHEN i = 0 THEN $3::bigint ELSE -1 END,
         $3::bigint - i, CASE WHEN i = 0 THEN 'Benchmark funding' ELSE 'Benchmark spend' END,
         'SYSTEM', CASE WHEN i = 0 THEN $4::uuid END,
         now() - make_interval(secs => ($5::int - i) / 1000.0)
       FROM generate_series(0, $5::int - 1) i`,
      [row.account_id, userId, granted, row.grant_id, entries],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  await pool.query("ANALYZE credit_transactions");
  const deep = await pool.query<{ id: string }>(
    `SELECT id::text FROM credit_transactions WHERE user_id = $1::uuid ORDER BY id ASC OFFSET 50 LIMIT 1`,
    [userId],
  );
  return { userId, deepCursor: deep.rows[0]?.id ?? "1" };
}

/**
 * Tables for the two direct-to-Postgres designs: the ceiling (a stored balance changed with a
 * conditional update, the key and the entry written in the same statement) and the original
 * design's naive ledger (the balance summed over all of a user's rows, then an insert). Its
 * `user_id` index is the one the original schema has.
 */
export async function createDirectTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE bench_accounts (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
    CREATE TABLE bench_keys (key text PRIMARY KEY);
    CREATE TABLE bench_ledger (id bigserial PRIMARY KEY, account_id int NOT NULL, amount bigint NOT NULL,
      balance_after bigint NOT NULL, key text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX bench_ledger_account ON bench_ledger (account_id, id DESC);
    CREATE TABLE bench_naive (id bigserial PRIMARY KEY, user_id int NOT NULL, type text NOT NULL,
      amount bigint NOT NULL, balance bigint NOT NULL, description text,
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX bench_naive_user ON bench_naive (user_id);
  `);
}

/** Ceiling accounts 1..count, each with `balance`. */
export async function seedCeilingAccounts(pool: pg.Pool, count: number, balance: number) {
  await pool.query(
    "INSERT INTO bench_accounts (id, balance) SELECT g, $2::bigint FROM generate_series(1, $1::int) g",
    [count, balance],
  );
}

/**
 * Naive-design users `firstId`.. `firstId + count - 1`, each with `entries` rows summing to
 * `balance`: one earning row with the balance, then pairs of +1/−1 rows.
 */
export async function seedNaiveUsers(
  pool: pg.Pool,
  options: { firstId: number; count: number; entries: number; balance: number },
) {
  await pool.query(
    `INSERT INTO bench_naive (user_id, type, amount, balance)
     SELECT u, CASE WHEN i = 0 OR i % 2 = 1 THEN 'EARN' ELSE 'SPEND' END,
       CASE WHEN i = 0 THEN $4::bigint WHEN i % 2 = 1 THEN 1 ELSE -1 END, 0
     FROM generate_series($1::int, $1::int + $2::int - 1) u, generate_series(0, $3::int - 1) i`,
    [options.firstId, options.count, options.entries, options.balance],
  );
  await pool.query("ANALYZE bench_naive");
}
