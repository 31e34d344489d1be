// The hot path of spending: a spend or a purchase as one statement of the database.
import {
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvariantError,
  NotFoundError,
} from "../errors.ts";
import { claimOf, counted, type IdempotentCall } from "./idempotency.ts";
import type { Tx } from "./types.ts";

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
 */
export async function runSimpleDebit<T extends { transactionId: string; balance: number }>(
  db: Tx,
  call: IdempotentCall,
  debit: SimpleDebit,
): Promise<T> {
  const { scope, requestHash } = claimOf(call);
  return counted(call.operation, async () => {
    const [row] = await db.$queryRaw<
      { outcome: string; response: T | null; available: bigint | null }[]
    >`
      SELECT outcome, response, available FROM credits_debit(
        ${scope}, ${call.key}, ${call.operation}, ${requestHash},
        ${debit.userId}::uuid, ${debit.appId}, ${debit.amount}::bigint,
        ${debit.type}::"CreditTransactionType", ${debit.description},
        ${debit.metadata ? JSON.stringify(debit.metadata) : null}::jsonb,
        ${call.actor.type}::"ActorType", ${call.actor.id},
        ${debit.purchase?.itemId ?? null}, ${debit.purchase?.itemName ?? null},
        ${call.actor.recordedBy ?? null})`;
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
