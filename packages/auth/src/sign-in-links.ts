// Sign-in links: how a customer another backend created (a row with an external id, no password)
// becomes a web sign-in. Email alone cannot link them: there is no email verification, so a
// password sign-up with a customer's email is refused, and only an OAuth sign-in whose email the
// provider verified finds that customer. A sign-in link is the explicit way: the backend or an
// operator makes one and hands it to the person, who opens it and chooses a password (and an
// email, if the customer has none).
//
// The link is a secret like a password-reset link: only its SHA-256 is stored, one live link per
// user (a new one replaces the old), valid for a week, used once. It can only be made for a
// customer another backend knows (an external id) that has never had a password and is no
// operator: whoever holds a service token must not be able to take over an account someone signed
// up for on the web, nor an administrator's.
import { createHash, randomBytes } from "node:crypto";
import { type Database, Prisma } from "@credits/db";
import { z } from "zod";
import { hashPassword } from "./password.ts";
import { Email, EmailTakenError, NewPassword, PersonName, type SessionUser } from "./users.ts";

/** How long a sign-in link works after it was made. */
export const signInLinkLifetimeMs = 7 * 24 * 3600 * 1000;

/** The web app's page that redeems a link; the token rides in the fragment, so no log sees it. */
export const signInLinkPath = "/claim";

/** A link's token: 32 random bytes, base64url (43 characters). */
const LinkToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, { error: "must be the code from a sign-in link" });

export const SignInLinkInput = z.object({ token: LinkToken });

export const RedeemSignInLinkInput = z.object({
  token: LinkToken,
  /** Needed only when the customer has no email yet; ignored otherwise. */
  email: Email.optional(),
  name: PersonName.optional(),
  password: NewPassword,
});
export type RedeemSignInLinkInput = z.infer<typeof RedeemSignInLinkInput>;

/** A link that cannot be used: unknown, used, replaced by a newer one, or expired. */
export class SignInLinkError extends Error {
  constructor(
    message = "This sign-in link has expired or was already used. Ask for a new one.",
    readonly field?: "email",
  ) {
    super(message);
  }
}

/** Why a user cannot get a sign-in link (a password already, an operator, no external id). */
export class SignInLinkRefusedError extends Error {}

/**
 * Whether the user may get a sign-in link, for pages that offer one; the statements below check the
 * same three conditions in SQL, under the row's lock.
 */
export function mayGetSignInLink(user: {
  passwordHash: string | null;
  role: string;
  externalId: string | null;
}): boolean {
  return user.passwordHash === null && user.role === "USER" && user.externalId !== null;
}

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

type Sql = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

/**
 * Makes the user's sign-in link, replacing any earlier one. Returns the token (shown once: only its
 * hash is kept) and when it stops working. Refuses the users the header names.
 */
export async function createSignInLink(
  db: Sql,
  userId: string,
): Promise<{ token: string; path: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + signInLinkLifetimeMs);
  const rows = await db.$queryRaw<{ eligible: boolean }[]>`
    WITH target AS (SELECT id, password_hash IS NULL AND role = 'USER' AND external_id IS NOT NULL
                           AS eligible
                    FROM users WHERE id = ${userId}::uuid FOR UPDATE),
    made AS (UPDATE users u SET sign_in_link_hash = ${hashOf(token)},
                    sign_in_link_expires_at = ${expiresAt}, updated_at = now()
             FROM target WHERE u.id = target.id AND target.eligible)
    SELECT eligible FROM target`;
  const target = rows[0];
  if (!target) throw new SignInLinkRefusedError("There is no such user.");
  if (!target.eligible) {
    throw new SignInLinkRefusedError(
      "A sign-in link is only for a customer another backend created (an external id) that has no password yet and is no operator.",
    );
  }
  return { token, path: `${signInLinkPath}#${token}`, expiresAt };
}

interface LinkedUser {
  id: string;
  email: string | null;
  name: string | null;
}

async function userOfLink(db: Sql, token: string): Promise<LinkedUser> {
  const rows = await db.$queryRaw<LinkedUser[]>`
    SELECT id, email, name FROM users
    WHERE sign_in_link_hash = ${hashOf(token)} AND sign_in_link_expires_at > now()`;
  const user = rows[0];
  if (!user) throw new SignInLinkError();
  return user;
}

/** What the page that redeems a link shows: the customer's email and name, if it has them. */
export async function describeSignInLink(
  db: Sql,
  token: string,
): Promise<{ email: string | null; name: string | null }> {
  const { email, name } = await userOfLink(db, token);
  return { email, name };
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === "P2002" || JSON.stringify(error.meta ?? {}).includes("23505");
}

/**
 * Redeems a link: sets the password (and the email and name when given and missing), uses the link
 * up and ends any session the customer had. One conditional statement, so of two redemptions at
 * once exactly one succeeds. Returns the user, who then signs in with the new password.
 */
export async function redeemSignInLink(
  db: Database,
  input: RedeemSignInLinkInput,
): Promise<SessionUser> {
  const linked = await userOfLink(db, input.token);
  const email = linked.email ?? input.email ?? null;
  if (!email) throw new SignInLinkError("Choose the email you will sign in with.", "email");
  const passwordHash = await hashPassword(input.password);
  try {
    const rows = await db.$queryRaw<SessionUser[]>`
      UPDATE users SET password_hash = ${passwordHash}, email = COALESCE(email, ${email}),
        name = COALESCE(name, ${input.name ?? null}), sign_in_link_hash = NULL,
        sign_in_link_expires_at = NULL, session_version = session_version + 1, updated_at = now()
      WHERE id = ${linked.id}::uuid AND sign_in_link_hash = ${hashOf(input.token)}
        AND sign_in_link_expires_at > now() AND password_hash IS NULL AND role = 'USER'
        AND external_id IS NOT NULL
      RETURNING id, email, role::text AS role, name`;
    const user = rows[0];
    if (!user) throw new SignInLinkError();
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new EmailTakenError();
    }
    throw error;
  }
}
