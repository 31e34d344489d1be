import { type Database, Prisma } from "@credits/db";
import { safeText, textProblem } from "@credits/db/text";
import { z } from "zod";
import { hashPassword, verifyPassword } from "./password.ts";
import { endAllSessions } from "./sessions.ts";
import type { SignInAttempt, SignInThrottle } from "./sign-in-limits.ts";

/** The signed-in user as every app and procedure sees it. */
export interface SessionUser {
  id: string;
  email: string;
  role: "USER" | "ADMIN";
  name?: string | null;
}

export const Email = z.email({ error: "must be an email address" }).trim().toLowerCase();

/** A person's name as shown to them and to operators (the same text rules as every input). */
export const PersonName = safeText()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" });

/**
 * A password someone chooses (sign-up, a new password). The text rules hold for passwords too,
 * and matter there: HMAC pads a short key with zeros, so "secret\u0000" would sign in as "secret",
 * and lone surrogates all encode as the same U+FFFD.
 */
export const NewPassword = safeText()
  .min(10, { error: "must be at least 10 characters" })
  .max(200, { error: "must be at most 200 characters" });

export const SignUpInput = z.object({
  name: PersonName,
  email: Email,
  password: NewPassword,
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z
    .string()
    .min(1, { error: "must not be empty" })
    .max(200, { error: "must be at most 200 characters" }),
  newPassword: NewPassword,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists. Sign in instead.");
  }
}

/** A password change refused, with the field to blame if there is one. */
export class PasswordChangeError extends Error {
  constructor(
    message: string,
    readonly field?: keyof ChangePasswordInput,
  ) {
    super(message);
  }
}

export class TooManySignInAttemptsError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Too many failed sign-ins. Try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s).`);
  }
}

/**
 * The users whose email is one of `emails`, in any case (through the lower(email) index). Emails
 * are unique only case-sensitively, so one address may match several rows; sign-up stores them
 * lower-cased, but users created otherwise may not be.
 */
export async function findUsersByEmail(
  db: Database,
  emails: string[],
): Promise<{ id: string; email: string }[]> {
  if (emails.length === 0) return [];
  const lowered = emails.map((email) => email.trim().toLowerCase());
  return db.$queryRaw<{ id: string; email: string }[]>`
    SELECT id, email FROM users WHERE lower(email) = ANY(${lowered}::text[])`;
}

/** Creates a user with an email and password; the email is the identity, case-insensitively. */
export async function signUp(db: Database, input: SignUpInput): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: { id: true, role: true, name: true },
    });
    return { ...user, email: input.email };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new EmailTakenError();
    }
    throw error;
  }
}

// Verifying against a real hash even for unknown emails keeps their answer as slow as a wrong
// password's, so timing does not tell which emails have accounts.
const decoyHash = hashPassword("decoy password that matches nothing");

/**
 * Checks an email and password. Returns the user, or null for a wrong email or password; refuses
 * with TooManySignInAttemptsError while the email, or the address the attempt comes from, has
 * failed too often (see SignInThrottle).
 */
export async function authenticate(
  db: Database,
  throttle: SignInThrottle,
  credentials: { email: string; password: string; address: string | null },
): Promise<SessionUser | null> {
  const attempt: SignInAttempt = { email: credentials.email, address: credentials.address };
  const retryAfterMs = await throttle.retryAfterMs(attempt);
  if (retryAfterMs > 0) throw new TooManySignInAttemptsError(retryAfterMs);
  const email = Email.safeParse(credentials.email);
  // No account has such a password (sign-up refuses it): a failed attempt like any other.
  const usablePassword = textProblem(credentials.password) === null;
  const user =
    email.success && usablePassword
      ? await db.user.findUnique({
          where: { email: email.data },
          select: { id: true, email: true, role: true, name: true, passwordHash: true },
        })
      : null;
  const valid = await verifyPassword(credentials.password, user?.passwordHash ?? (await decoyHash));
  if (!user?.passwordHash || !valid) {
    await throttle.recordFailure(attempt);
    return null;
  }
  await throttle.recordSuccess(attempt);
  const { passwordHash: _hash, ...sessionUser } = user;
  // Found by this email (`user` exists only when it parsed), so the row has it.
  return { ...sessionUser, email: user.email ?? credentials.email };
}

/**
 * Changes the user's password and ends all their sessions (the form signs its own browser in again
 * with the new password). The current password must be right: wrong ones count as failed sign-ins
 * of the email, so a stolen session cannot guess it faster than the sign-in page could. The update
 * is conditional on the hash that was checked, so of two changes at once only one applies.
 */
export async function changePassword(
  db: Database,
  throttle: SignInThrottle,
  input: ChangePasswordInput & { userId: string },
): Promise<void> {
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: { email: true, passwordHash: true },
  });
  if (!user?.passwordHash || !user.email) {
    throw new PasswordChangeError(
      "This account signs in with GitHub or Google and has no password to change.",
    );
  }
  const attempt: SignInAttempt = { email: user.email, address: null };
  const retryAfterMs = await throttle.retryAfterMs(attempt);
  if (retryAfterMs > 0) throw new TooManySignInAttemptsError(retryAfterMs);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await throttle.recordFailure(attempt);
    throw new PasswordChangeError("Your current password is wrong.", "currentPassword");
  }
  await throttle.recordSuccess(attempt);
  if (await verifyPassword(input.newPassword, user.passwordHash)) {
    throw new PasswordChangeError(
      "Choose a new password that differs from your current one.",
      "newPassword",
    );
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    const changed = await tx.user.updateMany({
      where: { id: input.userId, passwordHash: user.passwordHash },
      data: { passwordHash },
    });
    if (changed.count === 0) {
      throw new PasswordChangeError(
        "Your password was changed meanwhile. Sign in again with the new one.",
      );
    }
    await endAllSessions(tx, input.userId);
  });
}
