// The spend-path events of a debit made in TypeScript (captures, transfers, usage, adjustments,
// hold reserves): the same database function credits_debit uses decides and records them, so the
// rules (once per crossing, credits.spent only while wanted) live in one place.
import type { LockedAccount } from "../ledger.ts";
import { effectiveThreshold } from "../thresholds/default.ts";
import type { Queryable } from "../types.ts";

/** Entry types that spend credits on something: credits.spent reports them (when wanted). */
const spendingEntryTypes: ReadonlySet<string> = new Set(["SPEND", "PURCHASE", "HOLD_CAPTURE"]);

export interface DebitChange {
  /** The entry's type, or "HOLD_RESERVE" for a reserve (no entry). */
  entryType: string;
  amount: number;
  /** The balance after the change. */
  balance: number;
  availableBefore: number;
  availableAfter: number;
  transactionId?: string;
  holdId?: string;
  idempotencyKey?: string;
}

/**
 * Records credits.balance_low, credits.exhausted and credits.spent for a change of the locked
 * account, as they apply, in the transaction `tx`; records nothing for a change that raised or
 * kept what is available and that is no spend.
 */
export async function recordDebitEvents(
  tx: Queryable,
  account: Pick<LockedAccount, "userId" | "appId" | "lowBalanceThreshold">,
  change: DebitChange,
): Promise<void> {
  const isSpend = spendingEntryTypes.has(change.entryType);
  if (!isSpend && change.availableAfter >= change.availableBefore) return;
  await tx.$executeRaw`SELECT credits_record_debit_events(${account.userId}::uuid, ${account.appId},
    ${change.entryType}, ${change.amount}::bigint, ${change.balance}::bigint,
    ${change.availableBefore}::bigint, ${change.availableAfter}::bigint,
    ${effectiveThreshold(account.lowBalanceThreshold)}::bigint,
    ${change.transactionId ?? null}::bigint, ${change.holdId ?? null}::uuid,
    ${change.idempotencyKey ?? null}, ${isSpend})`;
}
