// The operators' audit log: every admin action, written in the same transaction as its effect.
import { findUsersByEmail } from "@credits/auth";
import type { Database } from "@credits/db";
import type { Actor, Queryable } from "./types.ts";

export interface AuditEntry {
  actorId: string;
  action: string;
  targetUserId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO audit_log (actor_id, action, target_user_id, before, after, reason)
    VALUES (${entry.actorId}::uuid, ${entry.action}, ${entry.targetUserId ?? null}::uuid,
      ${entry.before ? JSON.stringify(entry.before) : null}::jsonb,
      ${entry.after ? JSON.stringify(entry.after) : null}::jsonb, ${entry.reason ?? null})`;
}

/**
 * Records an operator's action, in the transaction that makes it. The audit log is of operators'
 * actions; what a service token or the system does is in the request logs and on the entries.
 */
export async function auditOperatorAction(
  tx: Queryable,
  actor: Actor,
  entry: Omit<AuditEntry, "actorId">,
): Promise<void> {
  if (actor.type === "ADMIN" && actor.id) await recordAudit(tx, { ...entry, actorId: actor.id });
}

export interface AuditFilters {
  actorId?: string;
  actorEmail?: string;
  targetUserId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  cursor?: string | null;
  limit: number;
}

/** The audit log, newest first, keyset-paginated by id. */
export async function listAudit(db: Database, filters: AuditFilters) {
  // An email nobody has gives an empty `in`, which matches nothing: an empty page, not an error.
  const actorIds = filters.actorEmail
    ? (await findUsersByEmail(db, [filters.actorEmail])).map((user) => user.id)
    : undefined;
  const rows = await db.auditLog.findMany({
    where: {
      actorId: actorIds ? { in: actorIds, equals: filters.actorId } : filters.actorId,
      targetUserId: filters.targetUserId,
      action: filters.action,
      createdAt: filters.from || filters.to ? { gte: filters.from, lte: filters.to } : undefined,
      id: filters.cursor ? { lt: BigInt(filters.cursor) } : undefined,
    },
    orderBy: { id: "desc" },
    take: filters.limit + 1,
    select: {
      id: true,
      action: true,
      before: true,
      after: true,
      reason: true,
      createdAt: true,
      actor: { select: { id: true, email: true } },
      targetUser: { select: { id: true, email: true } },
    },
  });
  const page = rows.slice(0, filters.limit);
  return {
    entries: page.map((row) => ({ ...row, id: row.id.toString() })),
    nextCursor: rows.length > filters.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
