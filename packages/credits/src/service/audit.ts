// The audit log: every operator action, and the changes service tokens make that no ledger entry
// records (plan changes, customer upserts, sign-in links), written in the same transaction as their
// effect.
import { findUsersByEmail } from "@credits/auth";
import type { Database } from "@credits/db";
import type { SortOrder } from "../schemas/common.ts";
import type { Actor, Queryable } from "./types.ts";

/** Who acted: an operator (a user id) or a service token (its id), as the CHECK requires one. */
export type AuditActor = { userId: string } | { tokenId: string; recordedBy?: string | null };

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  targetUserId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  const { actor } = entry;
  const userId = "userId" in actor ? actor.userId : null;
  const tokenId = "tokenId" in actor ? actor.tokenId : null;
  const recordedBy = "tokenId" in actor ? (actor.recordedBy ?? null) : null;
  await tx.$executeRaw`
    INSERT INTO audit_log (actor_id, actor_token_id, recorded_by, action, target_user_id, before, after, reason)
    VALUES (${userId}::uuid, ${tokenId}::uuid, ${recordedBy}, ${entry.action},
      ${entry.targetUserId ?? null}::uuid,
      ${entry.before ? JSON.stringify(entry.before) : null}::jsonb,
      ${entry.after ? JSON.stringify(entry.after) : null}::jsonb, ${entry.reason ?? null})`;
}

/** The bootstrap token of CREDITS_SERVICE_TOKEN: no row in service_tokens to point at. */
const bootstrapTokenId = "env";

function auditActorOf(actor: Actor): AuditActor | null {
  if (actor.type === "ADMIN" && actor.id) return { userId: actor.id };
  if (actor.type === "SERVICE" && actor.id && actor.id !== bootstrapTokenId) {
    return { tokenId: actor.id, recordedBy: actor.recordedBy };
  }
  return null;
}

/**
 * Records an operator's or a service token's action, in the transaction that makes it, with the
 * token's `created_by`. What users, Stripe and the system do is on their entries and in the logs;
 * so is what the bootstrap token does, which has no row to name.
 */
export async function auditAction(
  tx: Queryable,
  actor: Actor,
  entry: Omit<AuditEntry, "actor">,
): Promise<void> {
  const auditActor = auditActorOf(actor);
  if (auditActor) await recordAudit(tx, { ...entry, actor: auditActor });
}

/**
 * Records an operator's action only: for changes that write ledger entries, whose entries already
 * carry a service token and its `created_by`, so a token's change is not recorded twice.
 */
export async function auditOperatorAction(
  tx: Queryable,
  actor: Actor,
  entry: Omit<AuditEntry, "actor">,
): Promise<void> {
  if (actor.type === "ADMIN") await auditAction(tx, actor, entry);
}

export interface AuditFilters {
  actorId?: string;
  actorTokenId?: string;
  actorEmail?: string;
  targetUserId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  order?: SortOrder;
  cursor?: string | null;
  limit: number;
}

/** The audit log, newest first (oldest first with `order: "asc"`), keyset-paginated by id. */
export async function listAudit(db: Database, filters: AuditFilters) {
  const order = filters.order ?? "desc";
  const after = filters.cursor ? BigInt(filters.cursor) : undefined;
  // An email nobody has gives an empty `in`, which matches nothing: an empty page, not an error.
  const actorIds = filters.actorEmail
    ? (await findUsersByEmail(db, [filters.actorEmail])).map((user) => user.id)
    : undefined;
  const rows = await db.auditLog.findMany({
    where: {
      actorId: actorIds ? { in: actorIds, equals: filters.actorId } : filters.actorId,
      actorTokenId: filters.actorTokenId,
      targetUserId: filters.targetUserId,
      action: filters.action,
      createdAt: filters.from || filters.to ? { gte: filters.from, lte: filters.to } : undefined,
      id: after === undefined ? undefined : order === "desc" ? { lt: after } : { gt: after },
    },
    orderBy: { id: order },
    take: filters.limit + 1,
    select: {
      id: true,
      action: true,
      before: true,
      after: true,
      reason: true,
      recordedBy: true,
      createdAt: true,
      actor: { select: { id: true, email: true } },
      actorToken: { select: { id: true, name: true } },
      targetUser: { select: { id: true, email: true } },
    },
  });
  const page = rows.slice(0, filters.limit);
  return {
    entries: page.map((row) => ({ ...row, id: row.id.toString() })),
    nextCursor: rows.length > filters.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
