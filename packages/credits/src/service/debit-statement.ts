// The hot path of spending: a spend or a purchase as one statement of the database.
import { type Database, isWriteConflict } from "@credits/db";
import {
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvariantError,
  NotFoundError,
} from "../errors.ts";
import { type DebitArguments, type DebitOutcome, spendBatcherOf } from "./group-commit.ts";
import { claimOf, counted, type IdempotentCall } from "./idempotency.ts";
import { defaultLowBalanceThreshold } from "./thresholds/default.ts";

/** A debit that links to nothing but, optionally, the purchase it records. */
export interface SimpleDebit {
  userId: string;
  appId: string;
  amount: number;
  type: "SPEND" | "PURCHASE";
  description: string;
  metadata?: Record<string, unknown>;
  /** Records a purchase of this item, linked to the entry; its id comes back as `purchaseId`. */
  purchase?: { itemId: string; itemName: string };
}

/**
 * The hot path: a spend or a purchase as one statement (the database's `credits_debit`), at most
 * once per (caller, key), with the same steps, rules and stored response as `runIdempotent` around
 * `debitAccount`. One round trip means the account's row lock is held only while the statement
 * runs, not across round trips to this process, which is what bounds spends on a busy account.
 * It takes the client, not a transaction: the statement is its own transaction, which is what lets
 * a write conflict run it again.
 */
export async function runSimpleDebit<T extends { transactionId: string; balance: number }>(
  db: Database,
  call: IdempotentCall,
  debit: SimpleDebit,
): Promise<T> {
  const { scope, requestHash } = claimOf(call);
  return counted(call.operation, async () => {
    const spend = debitArguments(scope, requestHash, call, debit);
    const batcher = spendBatcherOf(db);
    const row = batcher
      ? await batcher.submit<T>(spend)
      : ((await debitOutcome(db, spend)) as DebitOutcome<T> | undefined);
    switch (row?.outcome) {
      case "ok":
      case "replayed":
        if (!row.response) break;
        return { result: row.response, replayed: row.outcome === "replayed" };
      case "conflict":
        throw new IdempotencyConflictError(call.key);
      case "insufficient":
        throw new InsufficientCreditsError(debit.amount, Number(row.available ?? 0));
      case "unknown_user":
        throw new NotFoundError("user", debit.userId);
      case "unknown_app":
        throw new NotFoundError("app", debit.appId);
    }
    throw new InvariantError(`credits_debit answered ${row?.outcome ?? "nothing"}`);
  });
}

function debitArguments(
  scope: string,
  requestHash: string,
  call: IdempotentCall,
  debit: SimpleDebit,
): DebitArguments {
  return {
    scope,
    key: call.key,
    operation: call.operation,
    requestHash,
    userId: debit.userId,
    appId: debit.appId,
    amount: debit.amount,
    type: debit.type,
    description: debit.description,
    metadata: debit.metadata ? JSON.stringify(debit.metadata) : null,
    actorType: call.actor.type,
    actorId: call.actor.id,
    itemId: debit.purchase?.itemId ?? null,
    itemName: debit.purchase?.itemName ?? null,
    recordedBy: call.actor.recordedBy ?? null,
  };
}

/** Attempts before a spend whose key keeps being taken by twins is reported as failed. */
const writeConflictAttempts = 3;

/**
 * Runs one spend as its own statement. A twin under the same key that committed while this one
 * ran makes it undo itself (a serialization failure, so nothing of it took effect); run again, it
 * finds the twin's stored answer and replays or conflicts.
 */
export async function debitOutcome(
  db: Database,
  spend: DebitArguments,
): Promise<DebitOutcome<unknown> | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [row] = await db.$queryRaw<DebitOutcome<unknown>[]>`
        SELECT outcome, response, available FROM credits_debit(
          ${spend.scope}, ${spend.key}, ${spend.operation}, ${spend.requestHash},
          ${spend.userId}::uuid, ${spend.appId}, ${spend.amount}::bigint,
          ${spend.type}::"CreditTransactionType", ${spend.description}, ${spend.metadata}::jsonb,
          ${spend.actorType}::"ActorType", ${spend.actorId}, ${spend.itemId}, ${spend.itemName},
          ${spend.recordedBy}, ${defaultLowBalanceThreshold()}::bigint)`;
      return row;
    } catch (error) {
      if (attempt >= writeConflictAttempts || !isWriteConflict(error)) throw error;
    }
  }
}
