// Holds: reserve credits for work whose final cost is known later, then capture what it cost
// (the rest returns), release it, or let it expire back. Active holds lower the available balance;
// only a capture changes the balance, with a HOLD_CAPTURE entry.
import type { Database } from "@credits/db";
import {
  InvalidRequestError,
  InvariantError,
  NotFoundError,
  StateConflictError,
} from "../errors.ts";
import type {
  CaptureHoldInput,
  HoldResult,
  ReleaseHoldInput,
  ReserveHoldInput,
} from "../schemas/holds.ts";
import { recordDebitEvents } from "./events/debit-events.ts";
import { runIdempotent } from "./idempotency.ts";
import {
  available,
  debitAccount,
  type LockedAccount,
  lockAccount,
  lockPayingAccount,
} from "./ledger.ts";
import type { Actor, Tx } from "./types.ts";

interface HoldRow {
  id: string;
  status: HoldResult["status"];
  amount: bigint;
  captured_amount: bigint;
  expires_at: Date;
}

function holdResult(
  row: HoldRow,
  availableAfter: number,
  transactionId: string | null,
): HoldResult {
  return {
    holdId: row.id,
    status: row.status,
    amount: Number(row.amount),
    capturedAmount: Number(row.captured_amount),
    expiresAt: row.expires_at.toISOString(),
    available: availableAfter,
    transactionId,
  };
}

/** Reserves `amount` of `userId`'s credits for `ttlSeconds`; refuses when not available. */
export function reserveHold(
  db: Database,
  actor: Actor,
  userId: string,
  input: ReserveHoldInput,
): Promise<HoldResult> {
  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    db,
    { actor, key: idempotencyKey, operation: "holds.reserve", request: { userId, ...request } },
    async (tx) => {
      const account = await lockPayingAccount(tx, {
        userId,
        appId: input.appId,
        amount: input.amount,
      });
      const [row] = await tx.$queryRaw<HoldRow[]>`
        INSERT INTO credit_holds (id, account_id, amount, description, expires_at)
        VALUES (gen_random_uuid(), ${account.id}::uuid, ${input.amount}::bigint, ${input.description},
          now() + make_interval(secs => ${input.ttlSeconds}))
        RETURNING id, status, amount, captured_amount, expires_at`;
      if (!row) throw new InvariantError("the hold insert returned no row");
      const availableAfter = available({ ...account, held: account.held + input.amount });
      await recordDebitEvents(tx, account, {
        entryType: "HOLD_RESERVE",
        amount: input.amount,
        balance: account.balance,
        availableBefore: available(account),
        availableAfter,
        holdId: row.id,
        idempotencyKey,
      });
      return holdResult(row, availableAfter, null);
    },
  );
}

/**
 * Finds the hold (only among `ownerUserId`'s when given), locks its account and then the hold.
 * A hold whose time is up is marked EXPIRED here if the sweep has not done it yet.
 */
async function lockHold(
  tx: Tx,
  holdId: string,
  ownerUserId: string | undefined,
): Promise<{ account: LockedAccount; hold: HoldRow }> {
  const [owner] = await tx.$queryRaw<{ user_id: string; app_id: string }[]>`
    SELECT a.user_id, a.app_id FROM credit_holds h JOIN credit_accounts a ON a.id = h.account_id
    WHERE h.id = ${holdId}::uuid`;
  if (!owner || (ownerUserId !== undefined && owner.user_id !== ownerUserId)) {
    throw new NotFoundError("hold", holdId);
  }
  const account = await lockAccount(tx, owner.user_id, owner.app_id, { create: false });
  if (!account) throw new NotFoundError("hold", holdId);
  const [hold] = await tx.$queryRaw<HoldRow[]>`
    UPDATE credit_holds
    SET status = CASE WHEN status = 'ACTIVE' AND expires_at <= now() THEN 'EXPIRED'::"HoldStatus" ELSE status END,
        resolved_at = CASE WHEN status = 'ACTIVE' AND expires_at <= now() THEN now() ELSE resolved_at END
    WHERE id = ${holdId}::uuid
    RETURNING id, status, amount, captured_amount, expires_at`;
  if (!hold) throw new NotFoundError("hold", holdId);
  return { account, hold };
}

const inactiveHoldMessages: Record<Exclude<HoldResult["status"], "ACTIVE">, string> = {
  CAPTURED: "This hold has already been captured.",
  RELEASED: "This hold has already been released.",
  EXPIRED: "This hold has expired: its credits are available again. Reserve a new hold.",
};

/**
 * Captures `amount` (at most the reserved amount) of an active hold: a HOLD_CAPTURE entry for it,
 * the rest of the reserve returns to the available balance.
 */
export function captureHold(
  db: Database,
  actor: Actor,
  input: CaptureHoldInput,
  ownerUserId?: string,
): Promise<HoldResult> {
  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    db,
    {
      actor,
      key: idempotencyKey,
      operation: "holds.capture",
      request: { ownerUserId, ...request },
    },
    async (tx) => {
      const { account, hold } = await lockHold(tx, input.holdId, ownerUserId);
      if (hold.status !== "ACTIVE") throw new StateConflictError(inactiveHoldMessages[hold.status]);
      const reserved = Number(hold.amount);
      if (input.amount > reserved) {
        throw new InvalidRequestError(
          `A capture can take at most the ${reserved} credits reserved.`,
          "amount",
        );
      }
      const movement = await debitAccount(
        tx,
        {
          userId: account.userId,
          appId: account.appId,
          amount: input.amount,
          releasingHold: reserved,
        },
        {
          type: "HOLD_CAPTURE",
          description: "Captured hold",
          actor,
          idempotencyKey,
          links: { holdId: hold.id },
        },
      );
      const [captured] = await tx.$queryRaw<HoldRow[]>`
        UPDATE credit_holds SET status = 'CAPTURED', captured_amount = ${input.amount}::bigint, resolved_at = now()
        WHERE id = ${hold.id}::uuid
        RETURNING id, status, amount, captured_amount, expires_at`;
      if (!captured) throw new NotFoundError("hold", hold.id);
      return holdResult(captured, movement.available, movement.entry.transactionId);
    },
  );
}

/** Releases an active hold: its whole reserve is available again and the balance is unchanged. */
export function releaseHold(
  db: Database,
  actor: Actor,
  input: ReleaseHoldInput,
  ownerUserId?: string,
): Promise<HoldResult> {
  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    db,
    {
      actor,
      key: idempotencyKey,
      operation: "holds.release",
      request: { ownerUserId, ...request },
    },
    async (tx) => {
      const { account, hold } = await lockHold(tx, input.holdId, ownerUserId);
      // Releasing a hold that expired meanwhile is what the caller wanted anyway: not an error.
      if (hold.status === "EXPIRED") return holdResult(hold, available(account), null);
      if (hold.status !== "ACTIVE") throw new StateConflictError(inactiveHoldMessages[hold.status]);
      const [released] = await tx.$queryRaw<HoldRow[]>`
        UPDATE credit_holds SET status = 'RELEASED', resolved_at = now() WHERE id = ${hold.id}::uuid
        RETURNING id, status, amount, captured_amount, expires_at`;
      if (!released) throw new NotFoundError("hold", hold.id);
      return holdResult(
        released,
        available({ ...account, held: account.held - Number(hold.amount) }),
        null,
      );
    },
  );
}
