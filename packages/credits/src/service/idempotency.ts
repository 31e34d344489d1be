// Idempotency: every mutation runs at most once per (caller, key). A ledger mutation claims its key
// in its own transaction (so the claim and the effect commit together); work that reaches outside
// the database (Stripe) claims it first and stores the response after.
import { createHash } from "node:crypto";
import { CreditsError, IdempotencyConflictError, RequestInProgressError } from "../errors.ts";
import { metrics } from "../observability/metrics.ts";
import type { Actor, Queryable, TransactionRunner, Tx } from "./types.ts";

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
export async function counted<T>(
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
export function claimOf(call: IdempotentCall): { scope: string; requestHash: string } {
  return {
    scope: `${call.actor.type}:${call.actor.id ?? "-"}`,
    // Who the backend says recorded it is part of the request: another one under the key conflicts.
    requestHash: fingerprint(
      call.operation,
      call.actor.recordedBy
        ? { request: call.request, recordedBy: call.actor.recordedBy }
        : call.request,
    ),
  };
}

function fingerprint(operation: string, request: unknown): string {
  return createHash("sha256").update(canonicalJson({ operation, request })).digest("hex");
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

/**
 * Runs work whose effect goes outside this database (a change through Stripe) at most once per
 * key in `scope`, storing its response: the same key and request replay it, another request under
 * the key is a conflict, and one still running is refused (it cannot wait in a transaction). A
 * claim left by a crashed attempt is taken over after a minute; a failed attempt frees its key.
 */
export async function runOnceForKey(
  db: Queryable,
  call: { scope: string; key: string; operation: string; request: unknown },
  work: () => Promise<unknown>,
): Promise<unknown> {
  const { scope } = call;
  const requestHash = fingerprint(call.operation, call.request);
  const claimed = await db.$queryRaw<unknown[]>`
    INSERT INTO idempotency_keys (scope, key, operation, request_hash)
    VALUES (${scope}, ${call.key}, ${call.operation}, ${requestHash})
    ON CONFLICT (scope, key) DO UPDATE SET created_at = now()
      WHERE idempotency_keys.response IS NULL AND idempotency_keys.request_hash = ${requestHash}
        AND idempotency_keys.created_at < now() - interval '1 minute'
    RETURNING 1`;
  if (claimed.length === 0) {
    const [first] = await db.$queryRaw<{ request_hash: string; response: unknown }[]>`
      SELECT request_hash, response FROM idempotency_keys WHERE scope = ${scope} AND key = ${call.key}`;
    if (!first || first.request_hash !== requestHash) throw new IdempotencyConflictError(call.key);
    if (first.response === null) throw new RequestInProgressError();
    return first.response;
  }
  try {
    const response = await work();
    await db.$executeRaw`
      UPDATE idempotency_keys SET response = ${JSON.stringify(response)}::jsonb
      WHERE scope = ${scope} AND key = ${call.key}`;
    return response;
  } catch (error) {
    await db.$executeRaw`DELETE FROM idempotency_keys WHERE scope = ${scope} AND key = ${call.key}`;
    throw error;
  }
}
