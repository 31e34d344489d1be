// Bulk grants: one goodwill credit to many users, in small batches the operator's page sends one
// after another. Each user's grant has its own idempotency key derived from the batch, so a batch
// re-sent after an interruption grants nobody twice and picks up where it stopped.
import type { Database } from "@credits/db";
import { NotFoundError } from "../errors.ts";
import type { Actor } from "./ledger.ts";
import { adjustCredits } from "./operations.ts";

export interface BulkGrantChunk {
  /** The same for every chunk of one bulk grant, and for its resumption. */
  batchKey: string;
  emails: string[];
  appId: string;
  amount: number;
  expiresAt?: Date;
  reason: string;
}

export interface BulkGrantOutcome {
  email: string;
  status: "granted" | "unknown-user" | "failed";
  balance?: number;
  message?: string;
}

/** Grants to each email of the chunk (one short transaction each) and reports per email. */
export async function bulkGrantChunk(
  db: Database,
  actor: Actor,
  chunk: BulkGrantChunk,
): Promise<BulkGrantOutcome[]> {
  const emails = [...new Set(chunk.emails.map((email) => email.trim().toLowerCase()))];
  const users = await db.user.findMany({
    where: { email: { in: emails } },
    select: { id: true, email: true },
  });
  const idOf = new Map(users.map((user) => [user.email, user.id]));
  const outcomes: BulkGrantOutcome[] = [];
  for (const email of emails) {
    const userId = idOf.get(email);
    if (!userId) {
      outcomes.push({ email, status: "unknown-user" });
      continue;
    }
    try {
      const result = await adjustCredits(db, actor, {
        direction: "grant",
        userId,
        appId: chunk.appId,
        amount: chunk.amount,
        expiresAt: chunk.expiresAt,
        reason: chunk.reason,
        idempotencyKey: `bulk:${chunk.batchKey}:${userId}`,
      });
      outcomes.push({ email, status: "granted", balance: result.balance });
    } catch (error) {
      const message =
        error instanceof NotFoundError ? error.message : "The grant failed; retry the batch.";
      outcomes.push({ email, status: "failed", message });
    }
  }
  return outcomes;
}
