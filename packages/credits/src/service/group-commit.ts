// Group commit of spends: while one database call of spends is in flight, the spends that arrive
// wait in a queue, and leave together as one call (credits_debit_batch: one round trip, one
// transaction, one commit) the moment it returns. Nothing waits on a timer: a call leaves at the
// end of the event-loop turn in which it became possible (setImmediate), so the spends that one
// read of the sockets brought in (a burst of HTTP/2 streams on one connection, requests on many
// connections ready at once) leave together instead of the first alone and the rest behind it;
// a spend alone goes as the plain statement.
import type { Database } from "@credits/db";
import { metrics } from "../observability/metrics.ts";
import { defaultLowBalanceThreshold } from "./thresholds/default.ts";

/** One spend's arguments to credits_debit, in its parameter order. */
export interface DebitArguments {
  scope: string;
  key: string;
  operation: string;
  requestHash: string;
  userId: string;
  appId: string;
  amount: number;
  type: "SPEND" | "PURCHASE";
  description: string;
  metadata: string | null;
  actorType: string;
  actorId: string | null;
  itemId: string | null;
  itemName: string | null;
  recordedBy: string | null;
}

export interface DebitOutcome<T> {
  outcome: string;
  response: T | null;
  available: bigint | null;
}

export interface GroupCommitOptions {
  /** The most spends one call carries; more wait for the next. */
  maxBatch: number;
  /**
   * The most calls in flight at once, each on its own connection (so Postgres works on more than
   * one core). A spend whose account is in a call in flight waits for that call, so per account
   * the calls, and the spends, still apply in arrival order.
   */
  maxInFlight: number;
}

interface Pending {
  spend: DebitArguments;
  resolve: (outcome: DebitOutcome<unknown> | undefined) => void;
  reject: (error: unknown) => void;
}

type RunOne = (spend: DebitArguments) => Promise<DebitOutcome<unknown> | undefined>;

const accountOf = (spend: DebitArguments) => `${spend.userId} ${spend.appId}`;

/**
 * The batcher of each database client, on globalThis as the client is (packages/db): Next.js
 * bundles the REST and tRPC routes apart, each with its own copy of this module, and the process's
 * spends must still leave through one batcher.
 */
const processWide = globalThis as unknown as {
  __creditsSpendBatchers?: WeakMap<Database, SpendBatcher>;
};
processWide.__creditsSpendBatchers ??= new WeakMap();
const batchers = processWide.__creditsSpendBatchers;

/**
 * Sends the spends of `db` through group commit from now on (the service and the REST API do it at
 * start when CREDITS_GROUP_COMMIT is on). `runOne` is how a spend runs alone: for a spend that
 * finds the process idle, and for each spend of a batch the database rejected as a whole.
 */
export function enableGroupCommit(db: Database, options: GroupCommitOptions, runOne: RunOne): void {
  if (!batchers.has(db)) batchers.set(db, new SpendBatcher(db, options, runOne));
}

/** Sends spends of `db` one statement each again (tests compare both ways). */
export function disableGroupCommit(db: Database): void {
  batchers.delete(db);
}

/** The batcher of `db`, when group commit is on for it. */
export function spendBatcherOf(db: Database): SpendBatcher | undefined {
  return batchers.get(db);
}

export class SpendBatcher {
  private queue: Pending[] = [];
  /** A call is scheduled to leave at the end of this turn. */
  private scheduled = false;
  private inFlight = 0;
  /** The accounts (user and app) of the calls in flight, with how many calls hold each. */
  private readonly busyAccounts = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly options: GroupCommitOptions,
    private readonly runOne: RunOne,
  ) {}

  /** Runs the spend, with the next batch or at once; answers its own outcome. */
  submit<T>(spend: DebitArguments): Promise<DebitOutcome<T> | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        spend,
        resolve: resolve as Pending["resolve"],
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight)
      return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.take();
      if (batch.length === 0) return;
      const accounts = batch.map((pending) => accountOf(pending.spend));
      for (const account of accounts)
        this.busyAccounts.set(account, (this.busyAccounts.get(account) ?? 0) + 1);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        for (const account of accounts) {
          const left = (this.busyAccounts.get(account) ?? 1) - 1;
          if (left === 0) this.busyAccounts.delete(account);
          else this.busyAccounts.set(account, left);
        }
        this.pump();
      });
      this.pump();
    });
  }

  /**
   * The next call's spends: the oldest waiting ones, up to the batch size, leaving in the queue (in
   * their order) those whose account a call in flight holds.
   */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const waiting: Pending[] = [];
    for (const [index, pending] of this.queue.entries()) {
      if (batch.length === this.options.maxBatch) {
        waiting.push(...this.queue.slice(index));
        break;
      }
      if (this.busyAccounts.has(accountOf(pending.spend))) waiting.push(pending);
      else batch.push(pending);
    }
    this.queue = waiting;
    return batch;
  }

  private async send(batch: Pending[]): Promise<void> {
    metrics().spendBatchSize.observe(batch.length);
    const [only] = batch;
    if (only && batch.length === 1) {
      await this.runOne(only.spend).then(only.resolve, only.reject);
      return;
    }
    let rows: (DebitOutcome<unknown> & { ordinal: number })[];
    try {
      rows = await this.callBatch(batch.map((pending) => pending.spend));
    } catch {
      // The database undid the whole batch (nothing of it committed, or, if the connection was
      // lost after the commit, all of it did): each spend runs again alone, in arrival order, and
      // gets its own answer. Its idempotency key makes a spend that did commit answer as a replay
      // of itself, so none is applied twice and none is acknowledged that did not commit.
      metrics().spendBatchRetries.inc();
      for (const pending of batch)
        await this.runOne(pending.spend).then(pending.resolve, pending.reject);
      return;
    }
    const byOrdinal = new Map(rows.map((row) => [row.ordinal, row]));
    for (const [index, pending] of batch.entries()) pending.resolve(byOrdinal.get(index + 1));
  }

  private callBatch(spends: DebitArguments[]) {
    const column = <K extends keyof DebitArguments>(key: K) => spends.map((spend) => spend[key]);
    return this.db.$queryRaw<(DebitOutcome<unknown> & { ordinal: number })[]>`
      SELECT ordinal, outcome, response, available FROM credits_debit_batch(
        ${column("scope")}::text[], ${column("key")}::text[], ${column("operation")}::text[],
        ${column("requestHash")}::text[], ${column("userId")}::uuid[], ${column("appId")}::text[],
        ${column("amount")}::bigint[], ${column("type")}::"CreditTransactionType"[],
        ${column("description")}::text[], ${column("metadata")}::jsonb[],
        ${column("actorType")}::"ActorType"[], ${column("actorId")}::text[],
        ${column("itemId")}::text[], ${column("itemName")}::text[], ${column("recordedBy")}::text[],
        ${defaultLowBalanceThreshold()}::bigint)`;
  }
}
