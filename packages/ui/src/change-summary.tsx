import type { ReactNode } from "react";
import { formatCredits } from "./format.ts";

/**
 * What a confirmation of a credit change says, the same way in every dialog (grant, debit,
 * refund, transfer): who it is for, what happens, why (when a reason was given), and the balance
 * before → after.
 */
export function ChangeSummary({
  who,
  what,
  why,
  before,
  after,
  children,
}: {
  who: ReactNode;
  what: ReactNode;
  why?: ReactNode;
  before: number;
  after: number;
  /** More rows, e.g. when granted credits expire. */
  children?: ReactNode;
}) {
  return (
    <dl
      className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5"
      data-testid="change-summary"
    >
      <dt className="text-zinc-600">Who</dt>
      <dd className="text-right font-medium [overflow-wrap:anywhere]">{who}</dd>
      <dt className="text-zinc-600">What</dt>
      <dd className="text-right font-medium">{what}</dd>
      {why && (
        <>
          <dt className="text-zinc-600">Why</dt>
          <dd className="text-right [overflow-wrap:anywhere]">{why}</dd>
        </>
      )}
      <dt className="text-zinc-600">Balance</dt>
      <dd className="text-right font-semibold tabular-nums">
        {formatCredits(before)} → {formatCredits(after)}
      </dd>
      {children}
    </dl>
  );
}
