// Bulk grants: one goodwill credit to many users, in small batches the operator's page sends one
// after another. Each user's grant has its own idempotency key derived from the batch, so a batch
// re-sent after an interruption grants nobody twice and picks up where it stopped, whichever
// operator re-sends it.
import { findUsersByEmail } from "@credits/auth";
import type { Database } from "@credits/db";
import { CreditsError } from "../errors.ts";
import type { BulkGrantOutcome } from "../schemas/admin.ts";
import type { LedgerResult } from "../schemas/credits.ts";
import { auditOperatorAction } from "./audit.ts";
import { runIdempotent } from "./idempotency.ts";
import { creditAccount } from "./ledger.ts";
import type { Actor } from "./types.ts";

export interface BulkGrantChunk {
  /** The same for every chunk of one bulk grant, and for its resumption. */
  batchKey: string;
  emails: string[];
  appId: string;
  amount: number;
  expiresAt?: Date;
  reason: string;
}

/**
 * The idempotency scope of every bulk grant. Keys are usually scoped to whoever sends them, but a
 * batch belongs to no one operator: another one may resume it (the batch lives in the browser), and
 * must find the grants already made. The batch key in each key keeps batches apart.
 */
const bulkGrantScope: Actor = { type: "ADMIN", id: null };

/** One user's grant of the batch: at most once per (batch, user), whoever sends it. */
function grantOnce(
  db: Database,
  operator: Actor,
  chunk: BulkGrantChunk,
  userId: string,
): Promise<LedgerResult> {
  return runIdempotent(
    db,
    {
      actor: bulkGrantScope,
      key: `bulk:${chunk.batchKey}:${userId}`,
      operation: "admin.credits.bulkGrant",
      // Not the operator: the same batch re-sent by someone else is the same request.
      request: {
        userId,
        appId: chunk.appId,
        amount: chunk.amount,
        expiresAt: chunk.expiresAt,
        reason: chunk.reason,
      },
    },
    async (tx) => {
      const movement = await creditAccount(
        tx,
        { userId, appId: chunk.appId },
        { source: "ADMIN", amount: chunk.amount, expiresAt: chunk.expiresAt ?? null },
        {
          type: "ADJUSTMENT",
          description: chunk.reason,
          actor: operator,
          idempotencyKey: `bulk:${chunk.batchKey}:${userId}`,
          metadata: { reason: chunk.reason, direction: "grant", batchKey: chunk.batchKey },
        },
      );
      await auditOperatorAction(tx, operator, {
        action: "credits.bulk_grant",
        targetUserId: userId,
        before: { appId: chunk.appId, balance: movement.account.balance },
        after: {
          appId: chunk.appId,
          balance: movement.entry.balance,
          amount: chunk.amount,
          expiresAt: chunk.expiresAt?.toISOString() ?? null,
          batchKey: chunk.batchKey,
          transactionId: movement.entry.transactionId,
        },
        reason: chunk.reason,
      });
      return {
        transactionId: movement.entry.transactionId,
        balance: movement.entry.balance,
        available: movement.available,
      };
    },
  );
}

/** Grants to each email of the chunk (one short transaction each) and reports per email. */
export async function bulkGrantChunk(
  db: Database,
  operator: Actor,
  chunk: BulkGrantChunk,
): Promise<BulkGrantOutcome[]> {
  const emails = [...new Set(chunk.emails.map((email) => email.trim().toLowerCase()))];
  // Emails are unique only case-sensitively: a stored "Ann@Example.com" is ann@example.com here,
  // and an address two accounts share (in different cases) is not guessed at.
  const idsOf = new Map<string, string[]>();
  for (const user of await findUsersByEmail(db, emails)) {
    const email = user.email.toLowerCase();
    idsOf.set(email, [...(idsOf.get(email) ?? []), user.id]);
  }
  const outcomes: BulkGrantOutcome[] = [];
  for (const email of emails) {
    const ids = idsOf.get(email) ?? [];
    const userId = ids[0];
    if (!userId) {
      outcomes.push({ email, status: "unknown-user" });
      continue;
    }
    if (ids.length > 1) {
      const message =
        "Several accounts have this email in different cases; grant on each user's page.";
      outcomes.push({ email, status: "failed", message });
      continue;
    }
    try {
      const result = await grantOnce(db, operator, chunk, userId);
      outcomes.push({ email, status: "granted", balance: result.balance });
    } catch (error) {
      const message =
        error instanceof CreditsError ? error.message : "The grant failed; retry the batch.";
      outcomes.push({ email, status: "failed", message });
    }
  }
  return outcomes;
}
