// Sessions that end on the server. A session is a next-auth JWT in a cookie, so nothing about it is
// stored when it starts; it carries its own id (`sid`) and the user's session version (`sv`) at
// sign-in, and the per-request read of the user row (which re-reads the role anyway) checks both in
// the same statement:
//   - ending one session (signing out) stores its id in revoked_sessions until no copy of the token
//     can still be valid;
//   - ending all of a user's sessions (everywhere, a password or role change, an operator) raises
//     users.session_version, one row's update however many sessions there are.
// Starting a session writes nothing, and a request costs no more than the role check did.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@credits/db";
import type { JWT } from "next-auth/jwt";
import type { SessionUser } from "./users.ts";

/** Statements the session functions run: the client or a transaction. */
type Sql = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

/** How long a session token is valid after it was last issued (next-auth's maxAge). */
export const sessionMaxAgeSeconds = 30 * 24 * 3600;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claims a new session's token gets on top of the user's: its id and the user's version. */
export function newSessionClaims(sessionVersion: number): { sid: string; sv: number } {
  return { sid: randomUUID(), sv: sessionVersion };
}

/** The session a token names, or null for a token without one (made before sessions could end). */
function sessionOf(token: JWT): { userId: string; sessionId: string; version: number } | null {
  const { sub, sid, sv } = token;
  if (typeof sub !== "string" || !uuidPattern.test(sub)) return null;
  if (typeof sid !== "string" || !uuidPattern.test(sid)) return null;
  if (typeof sv !== "number" || !Number.isInteger(sv)) return null;
  return { userId: sub, sessionId: sid, version: sv };
}

/**
 * The user a token signs in, as the database says now (role included), or null when the session
 * has ended: signed out, ended with all the user's sessions, or its user deleted. One statement.
 */
export async function activeSessionUser(db: Sql, token: JWT): Promise<SessionUser | null> {
  const session = sessionOf(token);
  if (!session) return null;
  const rows = await db.$queryRaw<SessionUser[]>`
    SELECT u.id, coalesce(u.email, '') AS email, u.role::text AS role, u.name FROM users u
    WHERE u.id = ${session.userId}::uuid AND u.session_version = ${session.version}
      AND NOT EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = ${session.sessionId}::uuid)`;
  return rows[0] ?? null;
}

/** The user's current session version, for a session starting now. */
export async function currentSessionVersion(db: Sql, userId: string): Promise<number> {
  const rows = await db.$queryRaw<{ session_version: number }[]>`
    SELECT session_version FROM users WHERE id = ${userId}::uuid`;
  return rows[0]?.session_version ?? 0;
}

/**
 * Ends the token's session (signing out). Its id is kept for the longest any copy of the token can
 * still be valid: a copy issued at the latest now, so now plus the token's lifetime. Ids whose time
 * has passed are deleted in the same statement, so the table holds only live revocations.
 */
export async function endSession(db: Sql, token: JWT): Promise<void> {
  const session = sessionOf(token);
  if (!session) return;
  await db.$executeRaw`
    WITH expired AS (DELETE FROM revoked_sessions WHERE expires_at < now())
    INSERT INTO revoked_sessions (session_id, user_id, expires_at)
    SELECT ${session.sessionId}::uuid, id, now() + make_interval(secs => ${sessionMaxAgeSeconds})
    FROM users WHERE id = ${session.userId}::uuid
    ON CONFLICT (session_id) DO NOTHING`;
}

/**
 * Ends every session of the user, at once on every instance: the next request of each finds the
 * version it carries out of date. Returns false when there is no such user.
 */
export async function endAllSessions(db: Sql, userId: string): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE users SET session_version = session_version + 1 WHERE id = ${userId}::uuid`;
  return updated > 0;
}
