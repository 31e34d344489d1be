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
 * account, as they apply, in the transaction `tx`; a debit that is no spend and crosses nothing
 * costs no round trip.
 */
export async function recordDebitEvents(
  tx: Queryable,
  account: Pick<LockedAccount, "userId" | "appId" | "lowBalanceThreshold">,
  change: DebitChange,
): Promise<void> {
  const isSpend = spendingEntryTypes.has(change.entryType);
  const threshold = effectiveThreshold(account.lowBalanceThreshold);
  const crosses =
    (threshold > 0 && change.availableBefore >= threshold && change.availableAfter < threshold) ||
    (change.availableBefore > 0 && change.availableAfter === 0);
  // Only a spend can owe credits.spent (whether anyone wants it, the database knows); any other
  // debit records something only when it crosses, which the numbers here already say.
  if (!isSpend && !crosses) return;
  await tx.$executeRaw`SELECT credits_record_debit_events(${account.userId}::uuid, ${account.appId},
    ${change.entryType}, ${change.amount}::bigint, ${change.balance}::bigint,
    ${change.availableBefore}::bigint, ${change.availableAfter}::bigint,
    ${threshold}::bigint,
    ${change.transactionId ?? null}::bigint, ${change.holdId ?? null}::uuid,
    ${change.idempotencyKey ?? null}, ${isSpend})`;
}
