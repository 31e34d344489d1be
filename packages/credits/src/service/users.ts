// Operators' view of users: one user's whole picture, roles and sessions (the list: user-list.ts).
import { endAllSessions, mayGetSignInLink } from "@credits/auth";
import type { Database } from "@credits/db";
import { InvalidRequestError, NotFoundError, StateConflictError } from "../errors.ts";
import { auditAction, recordAudit } from "./audit.ts";
import { getBalances, listActiveGrants, listPurchases } from "./queries.ts";
import type { Actor, Queryable } from "./types.ts";

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
