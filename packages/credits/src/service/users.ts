// Operators' view of users: search, one user's whole picture, roles and sessions.
import { endAllSessions, mayGetSignInLink } from "@credits/auth";
import type { Database } from "@credits/db";
import { InvalidRequestError, NotFoundError, StateConflictError } from "../errors.ts";
import { auditAction, recordAudit } from "./audit.ts";
import { getBalances, listActiveGrants, listPurchases } from "./queries.ts";
import type { Actor, Queryable } from "./types.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Users whose email or name starts with `query` (case-insensitive), or whose id or external id is
 * `query`; ordered by email (a customer without one by its external id), keyset-paginated by it.
 * Prefix matches use the lower(...) text_pattern_ops indexes, the order its expression index.
 */
export async function searchUsers(
  db: Database,
  input: { query: string; cursor?: string | null; limit: number },
) {
  const query = input.query.trim().toLowerCase();
  const pattern = `${query.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const rows = await db.$queryRaw<
    {
      id: string;
      email: string | null;
      external_id: string | null;
      name: string | null;
      role: "USER" | "ADMIN";
      created_at: Date;
      sort_key: string;
    }[]
  >`
    SELECT id, email, external_id, name, role, created_at, coalesce(email, external_id, id::text) AS sort_key
    FROM users
    WHERE (${query} = '' OR lower(email) LIKE ${pattern} OR lower(name) LIKE ${pattern}
           OR external_id = ${input.query.trim()}
           OR (${uuidPattern.test(query)} AND id::text = ${query}))
      AND (${input.cursor ?? null}::text IS NULL
           OR coalesce(email, external_id, id::text) > ${input.cursor ?? null})
    ORDER BY coalesce(email, external_id, id::text)
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  return {
    users: page.map((row) => ({
      id: row.id,
      email: row.email,
      externalId: row.external_id,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.sort_key ?? null) : null,
  };
}

/** NotFoundError unless the user exists (before work that would otherwise act for nobody). */
export async function assertUserExists(db: Queryable, userId: string): Promise<void> {
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM users WHERE id = ${userId}::uuid`;
  if (rows.length === 0) throw new NotFoundError("user", userId);
}

/** Everything support needs about one user: balances, live grants, active holds, recent purchases. */
export async function getUserOverview(db: Database, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      externalId: true,
      name: true,
      role: true,
      createdAt: true,
      passwordHash: true,
    },
  });
  if (!user) throw new NotFoundError("user", userId);
  const { passwordHash, ...summary } = user;
  const signInLinkAllowed = mayGetSignInLink({ ...summary, passwordHash });
  const [balances, grants, purchases, holds] = await Promise.all([
    getBalances(db, userId),
    listActiveGrants(db, userId),
    listPurchases(db, userId, { limit: 20 }),
    db.creditHold.findMany({
      where: { account: { userId }, status: "ACTIVE", expiresAt: { gt: new Date() } },
      orderBy: { expiresAt: "asc" },
      select: {
        id: true,
        amount: true,
        description: true,
        expiresAt: true,
        createdAt: true,
        account: { select: { appId: true } },
      },
    }),
  ]);
  return {
    user: summary,
    signInLinkAllowed,
    balances,
    grants,
    purchases: purchases.purchases,
    holds: holds.map(({ account, ...hold }) => ({
      ...hold,
      appId: account.appId,
      amount: Number(hold.amount),
    })),
  };
}

/**
 * Promotes or demotes a user, ending their sessions (every request re-reads the role anyway; this
 * also ends a page or flow begun under the old one). The last admin cannot be demoted (nobody could
 * undo it), which the lock on the admins' rows makes true even when two admins demote each other at
 * once.
 */
export async function setUserRole(
  db: Database,
  actor: Actor,
  input: { userId: string; role: "USER" | "ADMIN"; reason: string },
) {
  if (actor.type !== "ADMIN" || !actor.id)
    throw new InvalidRequestError("Only an administrator can change roles.");
  const actorId = actor.id;
  return db.$transaction(async (tx) => {
    const admins = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE`;
    const target = await tx.user.findUnique({
      where: { id: input.userId },
      select: { id: true, role: true },
    });
    if (!target) throw new NotFoundError("user", input.userId);
    if (target.role === input.role) return { userId: target.id, role: target.role };
    if (input.role === "USER" && admins.length <= 1) {
      throw new StateConflictError("This is the last administrator; promote someone else first.");
    }
    await tx.user.update({ where: { id: target.id }, data: { role: input.role } });
    await endAllSessions(tx, target.id);
    await recordAudit(tx, {
      actor: { userId: actorId },
      action: "user.role",
      targetUserId: target.id,
      before: { role: target.role },
      after: { role: input.role },
      reason: input.reason,
    });
    return { userId: target.id, role: input.role };
  });
}

/**
 * An operator ends all of a user's sessions (a lost device, a suspected takeover): each stops
 * working at its next request, in both apps. Audited with the operator's reason.
 */
export async function endUserSessions(
  db: Database,
  actor: Actor,
  input: { userId: string; reason: string },
): Promise<{ userId: string }> {
  if (actor.type !== "ADMIN" || !actor.id)
    throw new InvalidRequestError("Only an administrator can end a user's sessions.");
  return db.$transaction(async (tx) => {
    if (!(await endAllSessions(tx, input.userId))) throw new NotFoundError("user", input.userId);
    await auditAction(tx, actor, {
      action: "user.sessions_ended",
      targetUserId: input.userId,
      reason: input.reason,
    });
    return { userId: input.userId };
  });
}
