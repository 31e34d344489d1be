// The ledger's primitives, used inside one short transaction per mutation. Every balance change
// follows the same path: lock the account row, post due expiries, change grants, then update the
// balance and append the entry in one statement. The account row lock serialises all changes to
// one account, so no read-then-write can race; CHECK constraints back every rule.
import { createHash } from "node:crypto";
import {
  CreditsError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidRequestError,
  NotFoundError,
} from "../errors.ts";
import { metrics } from "../observability/metrics.ts";
import type { GrantSource, TransactionType } from "../schemas.ts";
import type { Actor, TransactionRunner, Tx } from "./types.ts";

export interface LockedAccount {
  id: string;
  userId: string;
  appId: string;
  /** The stored balance, after due expiries were posted. */
  balance: number;
  /** Reserved by active, unexpired holds. */
  held: number;
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
  const [row] = await tx.$queryRaw<{ user_exists: boolean; app_exists: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM users WHERE id = ${userId}::uuid) AS user_exists,
           EXISTS (SELECT 1 FROM apps WHERE id = ${appId}) AS app_exists`;
  if (!row?.user_exists) throw new NotFoundError("user", userId);
  if (!row.app_exists) throw new NotFoundError("app", appId);
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
  const [row] = await tx.$queryRaw<{ id: string; balance: bigint }[]>`
    SELECT id, balance FROM credit_accounts
    WHERE user_id = ${userId}::uuid AND app_id = ${appId}
    FOR UPDATE`;
  if (!row) {
    await assertUserAndAppExist(tx, userId, appId);
    return null;
  }
  const account = { id: row.id, userId, appId, balance: Number(row.balance) };
  return { ...account, ...(await settleAccount(tx, account)) };
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
      ${account.appId}, ${account.balance}::bigint)`;
  if (!row) throw new NotFoundError("account", account.id);
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
      description, metadata, actor_type, actor_id, idempotency_key,
      purchase_id, transfer_id, grant_id, hold_id, stripe_object_id)
    SELECT ${account.id}::uuid, ${account.userId}::uuid, ${account.appId},
      ${entry.type}::"CreditTransactionType", ${entry.amount}::bigint, account.balance,
      ${entry.description}, ${entry.metadata ? JSON.stringify(entry.metadata) : null}::jsonb,
      ${entry.actor.type}::"ActorType", ${entry.actor.id}, ${entry.idempotencyKey ?? null},
      ${links.purchaseId ?? null}::uuid, ${links.transferId ?? null}::uuid,
      ${links.grantId ?? null}::uuid, ${links.holdId ?? null}::uuid, ${links.stripeObjectId ?? null}
    FROM account
    RETURNING id, balance_after`;
  if (!row) throw new NotFoundError("account", account.id);
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
  if (!row) throw new Error("grant insert returned nothing");
  return row.id;
}

// ─── Idempotency ─────────────────────────────────────────────────────────────────────────────

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotentCall {
  actor: Actor;
  key: string;
  /** The operation's name, e.g. "credits.spend": the same key for another operation conflicts. */
  operation: string;
  /** What identifies the request (its input without the key, plus the target). */
  request: unknown;
}

/**
 * Runs one mutation as one transaction, at most once per (caller, key). The key is claimed first:
 * a concurrent twin blocks on the unique key until this transaction ends, then finds the stored
 * result and returns it; a different request under the same key is a conflict. A failed attempt
 * (e.g. not enough credits) rolls back the claim with everything else, so a retry runs anew.
 */
export async function runIdempotent<T>(
  db: TransactionRunner,
  call: IdempotentCall,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return counted(call.operation, () => runIdempotentOnce(db, call, work));
}

/** Counts the operation's outcome (ok, replayed, refused, failed) in the ledger metrics. */
async function counted<T>(
  operation: string,
  run: () => Promise<{ result: T; replayed: boolean }>,
): Promise<T> {
  const counter = metrics().ledgerOperations;
  try {
    const outcome = await run();
    counter.inc({ operation, outcome: outcome.replayed ? "replayed" : "ok" });
    return outcome.result;
  } catch (error) {
    counter.inc({ operation, outcome: error instanceof CreditsError ? "refused" : "failed" });
    throw error;
  }
}

/** Where the call's key lives (its caller's scope) and the fingerprint of its request. */
function claimOf(call: IdempotentCall): { scope: string; requestHash: string } {
  return {
    scope: `${call.actor.type}:${call.actor.id ?? "-"}`,
    requestHash: createHash("sha256")
      .update(canonicalJson({ operation: call.operation, request: call.request }))
      .digest("hex"),
  };
}

async function runIdempotentOnce<T>(
  db: TransactionRunner,
  call: IdempotentCall,
  work: (tx: Tx) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const { scope, requestHash } = claimOf(call);
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.$queryRaw<unknown[]>`
        INSERT INTO idempotency_keys (scope, key, operation, request_hash)
        VALUES (${scope}, ${call.key}, ${call.operation}, ${requestHash})
        ON CONFLICT (scope, key) DO NOTHING
        RETURNING 1`;
      if (claimed.length === 0) {
        const [first] = await tx.$queryRaw<{ request_hash: string; response: T | null }[]>`
          SELECT request_hash, response FROM idempotency_keys WHERE scope = ${scope} AND key = ${call.key}`;
        if (!first || first.request_hash !== requestHash || first.response === null) {
          throw new IdempotencyConflictError(call.key);
        }
        return { result: first.response, replayed: true };
      }
      const result = await work(tx);
      await tx.$executeRaw`
        UPDATE idempotency_keys SET response = ${JSON.stringify(result)}::jsonb
        WHERE scope = ${scope} AND key = ${call.key}`;
      return { result, replayed: false };
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}

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
        ${debit.purchase?.itemId ?? null}, ${debit.purchase?.itemName ?? null})`;
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
    throw new Error(`credits_debit answered ${row?.outcome ?? "nothing"}`);
  });
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
  return {
    account,
    entry: posted,
    available: available({ balance: posted.balance, held: account.held }),
  };
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
  if (!account) throw new NotFoundError("account", `${target.userId}/${target.appId}`);
  const grantId = await insertGrant(tx, account.id, grant);
  const posted = await postEntry(tx, account, {
    ...entry,
    amount: grant.amount,
    links: { ...entry.links, grantId },
  });
  return {
    account,
    entry: posted,
    available: available({ balance: posted.balance, held: account.held }),
  };
}
