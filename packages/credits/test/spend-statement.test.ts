// What keeps the spend statement (credits_debit) lean, proven on the real database: every index of
// the ledger tables is read by a query of the application (or it would only slow each spend down),
// a spend writes its idempotency key once, and the account's next expiry lets a spend skip the
// settle read without ever letting an expired grant be spent.
import { describe, expect, it } from "vitest";
import { grantCredits, spendCredits } from "../src/service/operations.ts";
import type { Actor } from "../src/service/types.ts";
import { verifyLedger } from "../src/service/verify.ts";
import { createUser, db, newKey, withOwnDatabase } from "./fixtures.ts";

const system: Actor = { type: "SYSTEM", id: null };
const someUser = "00000000-0000-4000-8000-000000000001";

/**
 * Each secondary index of the tables a spend writes, with a query of the application that reads
 * it (in the words of the file it comes from). Unique indexes are constraints and need none.
 */
const indexReaders: Record<string, string> = {
  credit_transactions_user_id_id_idx: `SELECT id FROM credit_transactions WHERE user_id = '${someUser}'
    ORDER BY id DESC LIMIT 21`, // queries.ts listHistory
  credit_transactions_user_id_created_at_idx: `SELECT SUM(-amount) FROM credit_transactions
    WHERE user_id = '${someUser}' AND created_at >= now() - interval '30 days'`, // queries.ts spendingByDay
  credit_transactions_created_at_idx: `SELECT SUM(amount) FROM credit_transactions
    WHERE created_at >= now() - interval '30 days'`, // overview.ts, the operators' daily figures
  credit_transactions_account_id_created_at_id_idx: `SELECT t.balance_after FROM credit_transactions t
    WHERE t.account_id = '${someUser}' AND t.created_at <= now()
    ORDER BY t.created_at DESC, t.id DESC LIMIT 1`, // queries.ts balanceAt
  credit_transactions_purchase_link_idx: `SELECT id FROM credit_transactions
    WHERE purchase_id = '${someUser}'`, // refunds find a purchase's entry
  credit_transactions_transfer_link_idx: `SELECT id FROM credit_transactions
    WHERE transfer_id = '${someUser}'`, // a transfer's two sides
  credit_transactions_hold_link_idx: `SELECT id FROM credit_transactions
    WHERE hold_id = '${someUser}'`, // a hold's capture
  credit_transactions_grant_link_idx: `SELECT id FROM credit_transactions
    WHERE grant_id = '${someUser}'`, // a grant's history (reversals, rollover)
  idempotency_keys_created_at_idx: `SELECT key FROM idempotency_keys
    WHERE created_at < now() - interval '30 days' LIMIT 1000`, // the old keys' clean-up
  purchases_user_id_created_at_id_idx: `SELECT id FROM purchases WHERE user_id = '${someUser}'
    ORDER BY created_at DESC, id DESC LIMIT 21`, // queries.ts listPurchases
};

async function planOf(sql: string): Promise<string> {
  // The test tables are small enough for a sequential scan, or any index and a sort, to win:
  // forbid those, so the plan shows the index that serves the query at the sizes indexes exist for.
  const [, , , rows] = await db.$transaction([
    db.$executeRawUnsafe("SET LOCAL enable_seqscan = off"),
    db.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off"),
    db.$executeRawUnsafe("SET LOCAL enable_sort = off"),
    db.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (FORMAT JSON) ${sql}`),
  ]);
  return JSON.stringify(rows);
}

describe("the spend statement", () => {
  it("writes only indexes that a query of the application reads", async () => {
    const indexes = await db.$queryRaw<{ indexname: string }[]>`
      SELECT i.indexname FROM pg_indexes i
      JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
      WHERE i.schemaname = current_schema() AND NOT x.indisunique
        AND i.tablename IN ('credit_transactions', 'idempotency_keys', 'purchases')`;
    expect(new Set(indexes.map((index) => index.indexname))).toEqual(
      new Set(Object.keys(indexReaders)),
    );
    for (const [index, sql] of Object.entries(indexReaders)) {
      expect(await planOf(sql), `${index} is read by its query`).toContain(`"${index}"`);
    }
  });

  it("writes a spend's idempotency key once, with its answer, and nothing for a refusal", async () => {
    const user = await createUser();
    await grantCredits(db, system, {
      userId: user.id,
      amount: 10,
      source: "PROMOTION",
      description: "funds",
      idempotencyKey: newKey(),
    });
    // The backend's pending counters may still hold earlier transactions': compare around the call.
    const keyWrites = db.$queryRaw<{ inserted: bigint; updated: bigint; deleted: bigint }[]>`
      SELECT n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_del AS deleted
      FROM pg_stat_xact_user_tables WHERE relname = 'idempotency_keys'`;
    const counts = async (amount: number, key: string) => {
      const [before, , after] = await db.$transaction([
        keyWrites,
        db.$queryRaw`SELECT outcome FROM credits_debit('TEST:lean', ${key}, 'credits.spend', 'h',
          ${user.id}::uuid, 'default', ${amount}::bigint, 'SPEND', 'lean', NULL, 'SYSTEM', NULL,
          NULL, NULL, NULL)`,
        keyWrites,
      ]);
      const [from, to] = [before[0], after[0]];
      if (!from || !to) throw new Error("no statistics for idempotency_keys");
      return {
        inserted: to.inserted - from.inserted,
        updated: to.updated - from.updated,
        deleted: to.deleted - from.deleted,
      };
    };
    expect(await counts(4, newKey())).toEqual({ inserted: 1n, updated: 0n, deleted: 0n });
    const refusedKey = newKey();
    expect(await counts(40, refusedKey)).toEqual({ inserted: 0n, updated: 0n, deleted: 0n });
    expect(await db.idempotencyKey.count({ where: { key: refusedKey } })).toBe(0);
  });

  it("skips the settle until the account's next expiry, and never spends an expired grant", async () => {
    // A database of its own: the end of this test breaks the ledger on purpose.
    await withOwnDatabase("credits_next_expiry_test", async ({ db }) => {
      const user = await db.user.create({ data: { email: "next-expiry@example.com" } });
      const nextExpiry = async () =>
        (
          await db.creditAccount.findFirstOrThrow({
            where: { userId: user.id, appId: "default" },
            select: { nextExpiryAt: true },
          })
        ).nextExpiryAt;
      const grant = (amount: number, expiresAt?: Date) =>
        grantCredits(db, system, {
          userId: user.id,
          amount,
          source: "PROMOTION",
          description: "funds",
          expiresAt,
          idempotencyKey: newKey(),
        });
      await grant(5);
      expect(await nextExpiry()).toBeNull();
      const inAWeek = new Date(Date.now() + 7 * 86_400_000);
      const tomorrow = new Date(Date.now() + 86_400_000);
      await grant(20, inAWeek);
      await grant(30, tomorrow);
      expect(await nextExpiry()).toEqual(tomorrow);

      // Time passes for the soonest grant: the next spend settles it before it pays.
      const soonest = await db.creditGrant.findFirstOrThrow({
        where: { account: { userId: user.id }, amount: 30 },
        select: { id: true },
      });
      await db.$executeRaw`UPDATE credit_grants SET expires_at = now() - interval '1 second'
      WHERE id = ${soonest.id}::uuid`;
      const spend = (amount: number) =>
        spendCredits(db, system, user.id, {
          appId: "default",
          amount,
          description: "spend",
          idempotencyKey: newKey(),
        });
      await expect(spend(26)).rejects.toMatchObject({
        kind: "insufficient_credits",
        available: 25,
      });
      expect(await nextExpiry()).toEqual(inAWeek);
      expect(await spend(25)).toMatchObject({ balance: 0 });
      expect(await verifyLedger(db)).toEqual([]);

      // A next expiry later than a live grant's would let that grant outlive its expiry: verify says so.
      await grant(7, tomorrow);
      await db.$executeRaw`UPDATE credit_accounts SET next_expiry_at = now() + interval '1 year'
      WHERE user_id = ${user.id}::uuid`;
      const violations = await verifyLedger(db);
      expect(violations.map((violation) => violation.check)).toEqual([
        "no live grant expires before its account's next expiry",
      ]);
    });
  });
});
