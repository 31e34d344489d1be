import {
  InsufficientCreditsError,
  InvalidRequestError,
  InvariantError,
  NotFoundError,
} from "../errors.ts";
import type { GrantSource, TransactionType } from "../schemas/common.ts";
import { recordDebitEvents } from "./events/debit-events.ts";
import { recordEvent } from "./events/record.ts";
import { defaultLowBalanceThreshold } from "./thresholds/default.ts";
import type { Actor, Tx } from "./types.ts";
import { assertUserExists } from "./users.ts";

export interface LockedAccount {
  id: string;
  userId: string;
  appId: string;
  /** The stored balance, after due expiries were posted. */
  balance: number;
  /** Reserved by active, unexpired holds. */
  held: number;
  /** The account's own low-balance threshold; null when it follows the default. */
  lowBalanceThreshold: number | null;
}

export function available(account: Pick<LockedAccount, "balance" | "held">): number {
  return Math.max(0, account.balance - account.held);
}

/** Links an entry may carry to what it concerns. */
export interface EntryLinks {
  purchaseId?: string;
  transferId?: string;
  grantId?: string;
  holdId?: string;
  stripeObjectId?: string;
}

export interface PostedEntry {
  transactionId: string;
  balance: number;
}

async function assertUserAndAppExist(tx: Tx, userId: string, appId: string): Promise<void> {
  await assertUserExists(tx, userId);
  const apps = await tx.$queryRaw<unknown[]>`SELECT 1 FROM apps WHERE id = ${appId}`;
  if (apps.length === 0) throw new NotFoundError("app", appId);
}

/**
 * Locks the user's account in the app (creating it when `create`), posts its due expiries and
 * returns it with what its holds reserve. Returns null when it does not exist and `create` is
 * false; throws NotFoundError for an unknown user or app.
 */
export async function lockAccount(
  tx: Tx,
  userId: string,
  appId: string,
  options: { create: boolean },
): Promise<LockedAccount | null> {
  if (options.create) {
    // Inserts only for a known user and app (an unknown one inserts nothing, and is reported
    // below, without a foreign-key error aborting the transaction). ON CONFLICT DO UPDATE takes the
    // row lock on an existing account, like FOR UPDATE.
    await tx.$executeRaw`
      INSERT INTO credit_accounts (id, user_id, app_id)
      SELECT gen_random_uuid(), ${userId}::uuid, ${appId}
      WHERE EXISTS (SELECT 1 FROM users WHERE id = ${userId}::uuid)
        AND EXISTS (SELECT 1 FROM apps WHERE id = ${appId})
      ON CONFLICT (user_id, app_id) DO UPDATE SET updated_at = credit_accounts.updated_at`;
  }
  // The lock alone: what holds reserve is read by the next statement, whose snapshot is taken
  // after the lock was granted (this one's predates any wait, so it could miss a hold committed
  // meanwhile).
  const [row] = await tx.$queryRaw<
    { id: string; balance: bigint; low_balance_threshold: bigint | null }[]
  >`
    SELECT id, balance, low_balance_threshold FROM credit_accounts
    WHERE user_id = ${userId}::uuid AND app_id = ${appId}
    FOR UPDATE`;
  if (!row) {
    await assertUserAndAppExist(tx, userId, appId);
    return null;
  }
  const account = { id: row.id, userId, appId, balance: Number(row.balance) };
  const lowBalanceThreshold =
    row.low_balance_threshold === null ? null : Number(row.low_balance_threshold);
  return { ...account, lowBalanceThreshold, ...(await settleAccount(tx, account)) };
}

/**
 * Posts an EXPIRE entry for every grant of the (locked) account whose expiry has come, zeroes those
 * grants and lowers the balance, all in one statement (the database's `credits_settle_account`);
 * returns the balance and what active holds reserve. Usually there is nothing to expire.
 */
async function settleAccount(
  tx: Tx,
  account: Pick<LockedAccount, "id" | "userId" | "appId" | "balance">,
): Promise<{ balance: number; held: number }> {
  const [row] = await tx.$queryRaw<{ balance: bigint; held: bigint }[]>`
    SELECT balance, held FROM credits_settle_account(${account.id}::uuid, ${account.userId}::uuid,
      ${account.appId}, ${account.balance}::bigint, ${defaultLowBalanceThreshold()}::bigint)`;
  if (!row) throw new InvariantError("credits_settle_account returned no row");
  return { balance: Number(row.balance), held: Number(row.held) };
}

/** Posts the (locked) account's due expiries and returns its new balance. */
export async function postDueExpiries(
  tx: Tx,
  account: Pick<LockedAccount, "id" | "userId" | "appId" | "balance">,
): Promise<number> {
  return (await settleAccount(tx, account)).balance;
}

/**
 * Locks the user's account in the app and refuses (PAYMENT_REQUIRED, with what is available)
 * unless it can pay `amount` from what is not held. `releasingHold` is the reserve of a hold that
 * stops counting as it pays (a capture).
 */
export async function lockPayingAccount(
  tx: Tx,
  target: { userId: string; appId: string; amount: number; releasingHold?: number },
): Promise<LockedAccount> {
  const account = await lockAccount(tx, target.userId, target.appId, { create: false });
  if (!account) throw new InsufficientCreditsError(target.amount, 0);
  const payer = { ...account, held: account.held - (target.releasingHold ?? 0) };
  if (available(payer) < target.amount) {
    throw new InsufficientCreditsError(target.amount, available(payer));
  }
  return payer;
}

/**
 * Takes `amount` from the account's live grants in burn order (lowest priority, soonest expiry,
 * oldest first) in one statement, and returns what it took from which grant. The caller holds the
 * account lock and has checked that the grants can pay.
 */
export async function burnGrants(
  tx: Tx,
  accountId: string,
  amount: number,
): Promise<{ grantId: string; amount: number }[]> {
  // The database's credits_burn_grants raises rather than burn less than asked: balance and grants
  // would disagree, an invariant broken, and no entry may be posted on top of it.
  const [row] = await tx.$queryRaw<{ allocations: { grantId: string; amount: number }[] }[]>`
    SELECT credits_burn_grants(${accountId}::uuid, ${amount}::bigint) AS allocations`;
  return row?.allocations ?? [];
}

export interface EntryInput {
  type: TransactionType;
  /** Signed: positive credits in, negative out. */
  amount: number;
  description: string;
  actor: Actor;
  idempotencyKey?: string;
  metadata?: Record<string, unknown>;
  links?: EntryLinks;
}

/** The most an account can hold: 2^53 − 1, exact as a JavaScript number (a CHECK enforces it too). */
export const MAX_BALANCE = Number.MAX_SAFE_INTEGER;

/** Changes the locked account's balance by `entry.amount` and appends the entry, in one statement. */
export async function postEntry(
  tx: Tx,
  account: Pick<LockedAccount, "id" | "userId" | "appId" | "balance">,
  entry: EntryInput,
): Promise<PostedEntry> {
  const links = entry.links ?? {};
  // Checked here, under the account lock, rather than by catching the CHECK violation: the
  // constraint is the backstop, and an error inside the statement would abort the transaction.
  if (account.balance + entry.amount > MAX_BALANCE) {
    throw new InvalidRequestError(
      "This would take the balance beyond what an account can hold (2^53 − 1 credits).",
      "amount",
    );
  }
  const [row] = await tx.$queryRaw<{ id: bigint; balance_after: bigint }[]>`
    WITH account AS (
      UPDATE credit_accounts SET balance = balance + ${entry.amount}::bigint, updated_at = now()
      WHERE id = ${account.id}::uuid
      RETURNING balance
    )
    INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after,
      description, metadata, actor_type, actor_id, recorded_by, idempotency_key,
      purchase_id, transfer_id, grant_id, hold_id, stripe_object_id)
    SELECT ${account.id}::uuid, ${account.userId}::uuid, ${account.appId},
      ${entry.type}::"CreditTransactionType", ${entry.amount}::bigint, account.balance,
      ${entry.description}, ${entry.metadata ? JSON.stringify(entry.metadata) : null}::jsonb,
      ${entry.actor.type}::"ActorType", ${entry.actor.id}, ${entry.actor.recordedBy ?? null},
      ${entry.idempotencyKey ?? null},
      ${links.purchaseId ?? null}::uuid, ${links.transferId ?? null}::uuid,
      ${links.grantId ?? null}::uuid, ${links.holdId ?? null}::uuid, ${links.stripeObjectId ?? null}
    FROM account
    RETURNING id, balance_after`;
  if (!row) throw new InvariantError("the entry insert returned no row");
  return { transactionId: row.id.toString(), balance: Number(row.balance_after) };
}

export interface NewGrant {
  source: GrantSource;
  amount: number;
  expiresAt?: Date | null;
  priority?: number;
  purchaseId?: string;
  stripeObjectId?: string;
}

/** Adds a grant to the locked account and returns its id; the caller posts the matching entry. */
export async function insertGrant(tx: Tx, accountId: string, grant: NewGrant): Promise<string> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO credit_grants (id, account_id, source, amount, remaining, priority, expires_at, purchase_id, stripe_object_id)
    VALUES (gen_random_uuid(), ${accountId}::uuid, ${grant.source}::"GrantSource", ${grant.amount}::bigint,
      ${grant.amount}::bigint, ${grant.priority ?? 100}, ${grant.expiresAt ?? null}::timestamptz,
      ${grant.purchaseId ?? null}::uuid, ${grant.stripeObjectId ?? null})
    RETURNING id`;
  if (!row) throw new InvariantError("the grant insert returned no row");
  return row.id;
}

// ─── The two movements every operation is made of ────────────────────────────────────────────

export interface Movement {
  account: LockedAccount;
  entry: PostedEntry;
  /** What the account can spend after the movement. */
  available: number;
}

/**
 * Takes `amount` out of the user's account in the app: locks it, refuses when what is not held
 * cannot pay, burns grants, and posts the (negative) entry. `beforeEntry` creates rows the entry
 * links to (a purchase, a transfer) once the account is locked and can pay.
 */
export async function debitAccount(
  tx: Tx,
  target: { userId: string; appId: string; amount: number; releasingHold?: number },
  entry: Omit<EntryInput, "amount">,
  beforeEntry?: (account: LockedAccount) => Promise<EntryLinks>,
): Promise<Movement> {
  const account = await lockPayingAccount(tx, target);
  const extraLinks = beforeEntry ? await beforeEntry(account) : {};
  const allocations = await burnGrants(tx, account.id, target.amount);
  const posted = await postEntry(tx, account, {
    ...entry,
    amount: -target.amount,
    metadata: { ...entry.metadata, grants: allocations },
    links: { ...entry.links, ...extraLinks },
  });
  const availableAfter = available({ balance: posted.balance, held: account.held });
  await recordDebitEvents(tx, account, {
    entryType: entry.type,
    amount: target.amount,
    balance: posted.balance,
    // A capture's reserve counted as held until now: before it, that much less was available.
    availableBefore: available({
      balance: account.balance,
      held: account.held + (target.releasingHold ?? 0),
    }),
    availableAfter,
    transactionId: posted.transactionId,
    idempotencyKey: entry.idempotencyKey,
  });
  return { account, entry: posted, available: availableAfter };
}

/** Puts credits into the user's account in the app (created if needed) as a new grant, and posts the entry. */
export async function creditAccount(
  tx: Tx,
  target: { userId: string; appId: string; locked?: LockedAccount | null },
  grant: NewGrant,
  entry: Omit<EntryInput, "amount">,
): Promise<Movement> {
  // An operation that had to lock the account earlier (lock order) passes it in: no second lock.
  const account =
    target.locked ?? (await lockAccount(tx, target.userId, target.appId, { create: true }));
  if (!account) throw new InvariantError("an account that was just created cannot be locked");
  const grantId = await insertGrant(tx, account.id, grant);
  const posted = await postEntry(tx, account, {
    ...entry,
    amount: grant.amount,
    links: { ...entry.links, grantId },
  });
  const availableAfter = available({ balance: posted.balance, held: account.held });
  // Every credit (grants, packs, allowances, refunds, transfers in) is reported, in its transaction.
  await recordEvent(tx, {
    type: "credits.granted",
    userId: account.userId,
    appId: account.appId,
    data: {
      amount: grant.amount,
      balance: posted.balance,
      available: availableAfter,
      entry_type: entry.type.toLowerCase(),
      source: grant.source.toLowerCase(),
      grant_id: grantId,
      transaction_id: posted.transactionId,
      expires_at: grant.expiresAt ? grant.expiresAt.toISOString() : null,
      idempotency_key: entry.idempotencyKey ?? null,
    },
  });
  return { account, entry: posted, available: availableAfter };
}
