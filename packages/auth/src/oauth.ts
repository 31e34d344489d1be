// OAuth sign-in. Without an accounts table the provider's email is the identity, so an email the
// provider has not verified would let anyone who types someone else's address into their GitHub or
// Google profile sign in as that person (an operator included). Only emails the provider vouches
// for are accepted; everything else is refused before any user is found or created.
import type { Database } from "@credits/db";
import { textProblem } from "@credits/db/text";
import { findUsersByEmail, PersonName, type SessionUser } from "./users.ts";

/**
 * The email the provider says it verified, lower-cased; null when it does not say so. Google puts
 * `email_verified` in its ID token; GitHub's profile says nothing, so `withGitHubVerifiedEmail`
 * adds it from GitHub's list of the user's emails. Any other provider is not trusted.
 */
export function verifiedOAuthEmail(provider: string, profile: unknown): string | null {
  if (provider !== "google" && provider !== "github") return null;
  if (!profile || typeof profile !== "object") return null;
  const { email, email_verified: verified } = profile as Record<string, unknown>;
  if (typeof email !== "string" || !email.includes("@") || verified !== true) return null;
  if (textProblem(email) !== null) return null;
  return email.trim().toLowerCase();
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's profile (GET /user) with the email GitHub verified, from GET /user/emails: the primary
 * one, or the public profile email if that one is verified; `email_verified` says whether it was
 * found. next-auth's own GitHub provider takes the public or primary email without asking.
 */
export async function withGitHubVerifiedEmail<Profile extends { email?: string | null }>(
  profile: Profile,
  accessToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Profile & { email: string | null; email_verified: boolean }> {
  const response = await fetchImpl("https://api.github.com/user/emails", {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      Accept: "application/vnd.github+json",
      "User-Agent": "credits-platform",
    },
  });
  const emails: GitHubEmail[] = response.ok ? ((await response.json()) as GitHubEmail[]) : [];
  const verified =
    emails.find((entry) => entry.primary && entry.verified) ??
    emails.find((entry) => entry.verified && entry.email === profile.email);
  return {
    ...profile,
    email: verified?.email ?? profile.email ?? null,
    email_verified: Boolean(verified),
  };
}

export type OAuthSignIn =
  | { allowed: true; user: SessionUser; created: boolean }
  | { allowed: false; reason: "unverified-email" | "ambiguous-email" };

const sessionSelect = { id: true, email: true, role: true, name: true } as const;

/**
 * The user an OAuth sign-in is for, or why it is refused. A verified email signs in as the user
 * with that email (whatever its case, and whether or not it has a password: whoever controls the
 * email can reset it anyway), or creates one on the first sign-in. An unverified one signs in as
 * nobody and creates nothing.
 */
export async function resolveOAuthSignIn(
  db: Database,
  sign: { provider: string; profile: unknown; name?: string | null },
): Promise<OAuthSignIn> {
  const email = verifiedOAuthEmail(sign.provider, sign.profile);
  if (!email) return { allowed: false, reason: "unverified-email" };
  const matches = await findUsersByEmail(db, [email]);
  // Uniqueness is case-sensitive: two rows may differ only in case. Only an exact match decides.
  const match = matches.length === 1 ? matches[0] : matches.find((user) => user.email === email);
  if (match) {
    const user = await db.user.findUniqueOrThrow({
      where: { id: match.id },
      select: sessionSelect,
    });
    // Found by this email, so it has one (customers another backend made may have none).
    return { allowed: true, user: { ...user, email: match.email }, created: false };
  }
  if (matches.length > 1) return { allowed: false, reason: "ambiguous-email" };
  // A concurrent first sign-in may create the row first: the upsert then finds it. A provider's
  // display name that our own sign-up would refuse (a control character, say) is not kept.
  const user = await db.user.upsert({
    where: { email },
    create: { email, name: PersonName.safeParse(sign.name).data ?? null },
    update: {},
    select: sessionSelect,
  });
  return { allowed: true, user: { ...user, email }, created: true };
}
