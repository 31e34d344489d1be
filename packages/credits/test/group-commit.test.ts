// Group commit of spends (service/group-commit.ts) against one statement per spend: the same
// outcomes and the same ledger for any interleaving of spends, replays, conflicts and refusals,
// and no spend lost or acknowledged twice when the database drops a batch in the middle.
import { createDatabaseClient, disconnectDb, getDb } from "@credits/db";
import fc from "fast-check";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { metrics } from "../src/observability/metrics.ts";
import { servingDatabase } from "../src/rest/dependencies.ts";
import { debitOutcome } from "../src/service/debit-statement.ts";
import { enableGroupCommit, spendBatcherOf } from "../src/service/group-commit.ts";
import { reserveHold } from "../src/service/holds.ts";
import { createPurchase, grantCredits, spendCredits } from "../src/service/operations.ts";
import type { Actor } from "../src/service/types.ts";
import { verifyLedger } from "../src/service/verify.ts";
import { createUser, db, newKey } from "./fixtures.ts";

const databaseUrl = process.env.DATABASE_URL ?? "";
const system: Actor = { type: "SYSTEM", id: null };
/** The same database without group commit: each spend its own statement. */
const oneByOne = createDatabaseClient(databaseUrl, { poolMax: 4 });
/**
 * The same database with up to three calls of spends in flight at once (CREDITS_GROUP_COMMIT_IN_FLIGHT)
 * of two spends each, so one account's spends queue behind its call while the other's leave.
 */
const inParallel = createDatabaseClient(databaseUrl, { poolMax: 4 });
enableGroupCommit(inParallel, { maxBatch: 2, maxInFlight: 3 }, (spend) =>
  debitOutcome(inParallel, spend),
);
afterAll(() => Promise.all([oneByOne.$disconnect(), inParallel.$disconnect(), disconnectDb()]));

type Step =
  | { kind: "spend"; account: 0 | 1; amount: number }
  | { kind: "replay"; of: number }
  | { kind: "conflict"; of: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("spend" as const),
      account: fc.constantFrom(0 as const, 1 as const),
      amount: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("replay" as const), of: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("conflict" as const), of: fc.nat() }) },
);

/**
 * Two users with 100 credits each, in three grants, so that spends burn across grants; the first
 * user has 15 of them held, which spends must leave alone.
 */
async function fundedPair(): Promise<[string, string]> {
  const users = [await createUser(), await createUser()];
  for (const user of users) {
    for (const amount of [30, 30, 40]) {
      await grantCredits(db, system, {
        userId: user.id,
        amount,
        source: "PROMOTION",
        description: "funds",
        idempotencyKey: newKey(),
      });
    }
  }
  await reserveHold(db, system, users[0]?.id ?? "", {
    appId: "default",
    amount: 15,
    ttlSeconds: 3_600,
    description: "held",
    idempotencyKey: newKey(),
  });
  return [users[0]?.id ?? "", users[1]?.id ?? ""];
}

/** What a client learns from a spend, without the ids that differ between two runs. */
async function answerOf(call: Promise<{ balance: number; available: number }>) {
  try {
    const { balance, available } = await call;
    return { ok: { balance, available } };
  } catch (error) {
    const { kind, available } = error as { kind?: string; available?: number };
    return { refused: kind ?? String(error), available };
  }
}

/**
 * Runs the steps against a fresh funded pair, answering each step's outcome and the pair's
 * ledgers: all at once under group commit (they queue behind the first and leave as batches, in
 * arrival order), or each after the previous one answered without it.
 */
async function runSteps(client: typeof db, steps: Step[], mode: "batched" | "one by one") {
  const users = await fundedPair();
  const prefix = newKey();
  const spends: { key: string; account: 0 | 1; amount: number }[] = [];
  const calls: (() => ReturnType<typeof answerOf>)[] = steps.map((item, index) => {
    let spend: { key: string; account: 0 | 1; amount: number };
    if (item.kind === "spend" || spends.length === 0) {
      const fresh = item.kind === "spend" ? item : { account: 0 as const, amount: 1 };
      spend = { key: `${prefix}-${index}`, account: fresh.account, amount: fresh.amount };
      spends.push(spend);
    } else {
      const earlier = spends[item.of % spends.length] ?? { key: "", account: 0, amount: 1 };
      spend = item.kind === "replay" ? earlier : { ...earlier, amount: earlier.amount + 1 };
    }
    return () =>
      answerOf(
        spendCredits(client, system, users[spend.account], {
          appId: "default",
          amount: spend.amount,
          description: "property",
          // Metadata travels through the batch's jsonb[] too (same for a replay, so it stays one).
          metadata: { amount: spend.amount, note: 'it\'s "quoted"' },
          idempotencyKey: spend.key,
        }),
      );
  });
  const answers: Awaited<ReturnType<typeof answerOf>>[] = [];
  if (mode === "batched") answers.push(...(await Promise.all(calls.map((call) => call()))));
  else for (const call of calls) answers.push(await call());
  const ledgers = await Promise.all(
    users.map(async (userId) => {
      const entries = await db.creditTransaction.findMany({
        where: { userId },
        orderBy: { id: "asc" },
        select: { type: true, amount: true, balanceAfter: true, metadata: true },
      });
      const grants = await db.creditGrant.findMany({
        where: { account: { userId } },
        orderBy: [{ createdAt: "asc" }, { amount: "asc" }],
        select: { amount: true, remaining: true },
      });
      // Which grants each entry burned, by their place in the funding order (ids differ per run).
      return {
        entries: entries.map(({ metadata, ...entry }) => ({
          ...entry,
          burned: ((metadata as { grants?: { amount: number }[] } | null)?.grants ?? []).map(
            (allocation) => allocation.amount,
          ),
        })),
        grants,
      };
    }),
  );
  return { answers, ledgers };
}

describe("group commit", () => {
  it("gives every interleaving the outcomes and the ledger of one statement per spend", async () => {
    const batchedSpends = async () => {
      const { values } = await metrics().spendBatchSize.get();
      const of = (name: string) => values.find((value) => value.metricName === name)?.value ?? 0;
      // Spends that went with others: all spends sent less those that went alone (batches of 1).
      const alone = values.find((value) => value.labels.le === 1)?.value ?? 0;
      return of("credits_spend_batch_size_sum") - alone;
    };
    const before = await batchedSpends();
    const retriesBefore = (await metrics().spendBatchRetries.get()).values[0]?.value ?? 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 24 }), async (steps) => {
        const batched = await runSteps(db, steps, "batched");
        const alone = await runSteps(oneByOne, steps, "one by one");
        expect(batched).toEqual(alone);
        // Calls side by side keep each account's spends in arrival order just the same.
        expect(await runSteps(inParallel, steps, "batched")).toEqual(alone);
      }),
      { numRuns: 25 },
    );
    // The property was tried on the batch path, not only on spends that happened to go alone.
    expect((await batchedSpends()) - before).toBeGreaterThan(100);
    // …and the batches decided them themselves: none fell back to one statement per spend.
    expect((await metrics().spendBatchRetries.get()).values[0]?.value ?? 0).toBe(retriesBefore);
    expect(await verifyLedger(db)).toEqual([]);
  }, 120_000);

  it("sends the apps' tRPC spends through the same batcher as the REST API", async () => {
    const served = servingDatabase({ ...process.env, CREDITS_GROUP_COMMIT: "on" });
    // The process's one client (what createRequestContext and restDependenciesFrom hand out).
    expect(served).toBe(getDb());
    expect(spendBatcherOf(served)).toBeDefined();
    expect(servingDatabase()).toBe(served);
  });

  it("records purchases from a batch, each linked to its entry", async () => {
    const [userId] = await fundedPair();
    const bought = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((credits) =>
        createPurchase(db, system, userId, {
          appId: "default",
          itemId: `item-${credits}`,
          itemName: `Item ${credits}`,
          credits,
          idempotencyKey: newKey(),
        }),
      ),
    );
    expect(bought.map((purchase) => purchase.balance)).toEqual([99, 97, 94, 90, 85, 79]);
    const entries = await db.creditTransaction.findMany({
      where: { userId, type: "PURCHASE" },
      select: { amount: true, purchase: { select: { itemId: true, credits: true } } },
      orderBy: { id: "asc" },
    });
    expect(entries.map((entry) => [entry.amount, entry.purchase?.itemId])).toEqual(
      [1, 2, 3, 4, 5, 6].map((credits) => [BigInt(-credits), `item-${credits}`]),
    );
  });

  it("answers each spend of a batch whose connection is killed, once, as it committed", async () => {
    const [blocker, user] = await fundedPair();
    const retriesBefore = (await metrics().spendBatchRetries.get()).values[0]?.value ?? 0;
    // Two lockers, each holding an account's row in a transaction, and a watcher outside any
    // (a transaction would see pg_stat_activity as it was at its first look).
    const lockers = [
      new pg.Client(databaseUrl),
      new pg.Client(databaseUrl),
      new pg.Client(databaseUrl),
    ];
    await Promise.all(lockers.map((locker) => locker.connect()));
    const [first, second, watcher] = lockers as [pg.Client, pg.Client, pg.Client];
    const lock = async (locker: pg.Client, userId: string) => {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM credit_accounts WHERE user_id = $1 FOR UPDATE", [userId]);
    };
    const spend = (userId: string, amount: number) =>
      spendCredits(db, system, userId, {
        appId: "default",
        amount,
        description: "killed batch",
        idempotencyKey: newKey(),
      });
    /** The pid of the backend running a spend statement (`credits_debit(` or the batch's). */
    const backend = async (statement: string) => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const { rows } = await watcher.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE query LIKE '%' || $1 || '%' AND state = 'active' AND pid <> pg_backend_pid()`,
          [statement],
        );
        if (rows[0]) return rows[0].pid;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${statement} never reached the database`);
    };
    try {
      // The first spend goes alone and waits on a lock; the next four, sent once it is waiting,
      // leave as one batch (beside it, or behind it with one call in flight at a time), which
      // waits on the second lock until its connection is killed.
      await lock(first, blocker);
      await lock(second, user);
      const alone = spend(blocker, 1);
      await backend("credits_debit(");
      const batch = [spend(user, 10), spend(user, 20), spend(user, 30), spend(user, 40)];
      await first.query("COMMIT");
      await alone;
      await watcher.query("SELECT pg_terminate_backend($1)", [
        await backend("credits_debit_batch("),
      ]);
      await second.query("COMMIT");
      const answers = await Promise.all(batch);
      expect(answers.map((answer) => answer.balance)).toEqual([90, 70, 40, 0]);
    } finally {
      await Promise.all(lockers.map((locker) => locker.end()));
    }
    const spends = await db.creditTransaction.count({ where: { userId: user, type: "SPEND" } });
    expect(spends).toBe(4);
    const retriesAfter = (await metrics().spendBatchRetries.get()).values[0]?.value ?? 0;
    expect(retriesAfter).toBe(retriesBefore + 1);
    expect(await verifyLedger(db)).toEqual([]);
  }, 60_000);
});
