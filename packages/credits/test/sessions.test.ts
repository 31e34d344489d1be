// Ending sessions through the router: a user signs out everywhere or changes their password, an
// operator ends a user's sessions (audited, with a reason), and a role change ends the target's.
// Each is checked the way every request checks a session: the token's claims against the database.
import { randomUUID } from "node:crypto";
import { activeSessionUser, hashPassword, newSessionClaims } from "@credits/auth";
import { describe, expect, it } from "vitest";
import type { SessionUser } from "../src/index.ts";
import { callerFor, createUser, db, trpcErrorOf } from "./fixtures.ts";

/** A signed-in session of the user, as its token would name it. */
async function sessionOf(user: SessionUser) {
  const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  return { sub: user.id, ...newSessionClaims(stored.sessionVersion) };
}

const isActive = async (session: Awaited<ReturnType<typeof sessionOf>>) =>
  (await activeSessionUser(db, session)) !== null;

async function userWithPassword(password: string): Promise<SessionUser> {
  const user = await createUser();
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(password) },
  });
  return user;
}

describe("a user's own sessions", () => {
  it("all end when they sign out everywhere, and nobody else's do", async () => {
    const [user, other] = [await createUser(), await createUser()];
    const sessions = [await sessionOf(user), await sessionOf(user)];
    const othersSession = await sessionOf(other);
    expect(await callerFor(user).auth.signOutEverywhere()).toEqual({ sessionsEnded: true });
    for (const session of sessions) expect(await isActive(session)).toBe(false);
    expect(await isActive(othersSession)).toBe(true);
  });

  it("all end with a password change, which refuses a wrong current password field by field", async () => {
    const user = await userWithPassword("the old password");
    const session = await sessionOf(user);
    const caller = callerFor(user);
    const wrong = await trpcErrorOf(
      caller.auth.changePassword({ currentPassword: "a guess", newPassword: "the new password" }),
    );
    expect(wrong.code).toBe("BAD_REQUEST");
    expect(wrong.message).toBe("Your current password is wrong.");
    expect(wrong.cause).toMatchObject({ field: "currentPassword" });
    const short = await trpcErrorOf(
      caller.auth.changePassword({ currentPassword: "the old password", newPassword: "short" }),
    );
    expect(short.code).toBe("BAD_REQUEST");
    expect(await isActive(session)).toBe(true);

    expect(
      await caller.auth.changePassword({
        currentPassword: "the old password",
        newPassword: "the new password",
      }),
    ).toEqual({ sessionsEnded: true });
    expect(await isActive(session)).toBe(false);
  });

  it("answers TOO_MANY_REQUESTS once wrong current passwords lock the email out", async () => {
    const user = await userWithPassword("the old password");
    const guess = () =>
      callerFor(user).auth.changePassword({
        currentPassword: "a guess",
        newPassword: "whatever it is",
      });
    for (let attempt = 1; attempt <= 5; attempt++)
      expect((await trpcErrorOf(guess())).code).toBe("BAD_REQUEST");
    const locked = await trpcErrorOf(guess());
    expect(locked.code).toBe("TOO_MANY_REQUESTS");
    expect(locked.message).toMatch(/^Too many wrong passwords\. Try again in \d+ minute/);
  });
});

describe("an operator ending a user's sessions", () => {
  it("ends every session of the user, with the reason in the audit log", async () => {
    const [user, admin] = [await createUser(), await createUser("ADMIN")];
    const session = await sessionOf(user);
    const adminSession = await sessionOf(admin);
    expect(
      await callerFor(admin).admin.users.endSessions({ userId: user.id, reason: "Lost laptop" }),
    ).toEqual({ userId: user.id });
    expect(await isActive(session)).toBe(false);
    expect(await isActive(adminSession)).toBe(true);
    const audit = await db.auditLog.findMany({ where: { targetUserId: user.id } });
    expect(audit).toMatchObject([
      { actorId: admin.id, action: "user.sessions_ended", reason: "Lost laptop" },
    ]);
  });

  it("refuses an unknown user or a missing reason, auditing nothing", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const missing = randomUUID();
    const unknown = await trpcErrorOf(
      admin.admin.users.endSessions({ userId: missing, reason: "r" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    const user = await createUser();
    const noReason = await trpcErrorOf(
      admin.admin.users.endSessions({ userId: user.id, reason: "" }),
    );
    expect(noReason.code).toBe("BAD_REQUEST");
    expect(await db.auditLog.count({ where: { targetUserId: { in: [missing, user.id] } } })).toBe(
      0,
    );
    expect(await isActive(await sessionOf(user))).toBe(true);
  });

  it("ends the user's sessions with a role change too", async () => {
    const [user, admin] = [await createUser(), await createUser("ADMIN")];
    const session = await sessionOf(user);
    await callerFor(admin).admin.users.setRole({
      userId: user.id,
      role: "ADMIN",
      reason: "on call",
    });
    expect(await isActive(session)).toBe(false);
    await callerFor(admin).admin.users.setRole({ userId: user.id, role: "USER", reason: "done" });
  });
});
