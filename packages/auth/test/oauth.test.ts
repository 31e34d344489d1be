// OAuth sign-in decides on real users: an email the provider did not verify never signs in as
// anyone (an admin with a password least of all) and creates nothing.
import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import type { Account, Profile, User } from "next-auth";
import { afterAll, describe, expect, it } from "vitest";
import { resolveOAuthSignIn, verifiedOAuthEmail, withGitHubVerifiedEmail } from "../src/oauth.ts";
import { createAuthOptions, signInErrors } from "../src/options.ts";
import { hashPassword } from "../src/password.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
afterAll(() => db.$disconnect());

const uniqueEmail = (name: string) => `oauth-${name}-${randomUUID()}@example.com`;

async function adminWithPassword() {
  const email = uniqueEmail("admin");
  const admin = await db.user.create({
    data: {
      email,
      name: "Ada",
      role: "ADMIN",
      passwordHash: await hashPassword("the admin's password"),
    },
  });
  return { ...admin, email };
}

const usersWithEmail = (email: string) =>
  db.user.count({ where: { email: { equals: email, mode: "insensitive" } } });

describe("the email a provider vouches for", () => {
  it("is Google's when its ID token says email_verified, GitHub's when its email list does", () => {
    expect(verifiedOAuthEmail("google", { email: "Ann@Example.com", email_verified: true })).toBe(
      "ann@example.com",
    );
    expect(verifiedOAuthEmail("github", { email: "ann@example.com", email_verified: true })).toBe(
      "ann@example.com",
    );
  });

  it("is nobody's when the provider does not say it verified it", () => {
    expect(verifiedOAuthEmail("google", { email: "ann@example.com", email_verified: false })).toBe(
      null,
    );
    expect(verifiedOAuthEmail("google", { email: "ann@example.com" })).toBeNull();
    expect(
      verifiedOAuthEmail("google", { email: "ann@example.com", email_verified: "true" }),
    ).toBeNull();
    // GitHub's own profile (what next-auth's provider returns) never says.
    expect(verifiedOAuthEmail("github", { email: "ann@example.com", login: "ann" })).toBeNull();
    expect(
      verifiedOAuthEmail("gitlab", { email: "ann@example.com", email_verified: true }),
    ).toBeNull();
    expect(verifiedOAuthEmail("google", { email_verified: true })).toBeNull();
    expect(verifiedOAuthEmail("google", undefined)).toBeNull();
  });
});

describe("GitHub's verified email", () => {
  const fakeEmails = (emails: object[], ok = true) =>
    (async () => new Response(JSON.stringify(emails), { status: ok ? 200 : 403 })) as typeof fetch;

  it("is the primary email GitHub verified, not the one on the public profile", async () => {
    const profile = await withGitHubVerifiedEmail(
      { login: "ann", email: "victim@example.com" },
      "token",
      fakeEmails([
        { email: "victim@example.com", primary: false, verified: false },
        { email: "ann@example.com", primary: true, verified: true },
      ]),
    );
    expect(profile).toEqual({ login: "ann", email: "ann@example.com", email_verified: true });
  });

  it("is missing when the primary email is unverified or the list cannot be read", async () => {
    const unverified = await withGitHubVerifiedEmail(
      { login: "eve", email: null },
      "token",
      fakeEmails([{ email: "admin@example.com", primary: true, verified: false }]),
    );
    expect(unverified.email_verified).toBe(false);
    expect(verifiedOAuthEmail("github", unverified)).toBeNull();
    const unreadable = await withGitHubVerifiedEmail(
      { login: "eve", email: "admin@example.com" },
      "token",
      fakeEmails([], false),
    );
    expect(verifiedOAuthEmail("github", unreadable)).toBeNull();
  });
});

describe("deciding an OAuth sign-in", () => {
  it("refuses an unverified email that belongs to an admin with a password, and changes nothing", async () => {
    const admin = await adminWithPassword();
    for (const [provider, profile] of [
      ["google", { email: admin.email.toUpperCase(), email_verified: false }],
      ["google", { email: admin.email }],
      ["github", { email: admin.email, login: "eve" }],
      ["github", { email: admin.email, email_verified: false }],
    ] as const) {
      expect(await resolveOAuthSignIn(db, { provider, profile, name: "Eve" })).toEqual({
        allowed: false,
        reason: "unverified-email",
      });
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toEqual(admin);
    expect(await usersWithEmail(admin.email)).toBe(1);
  });

  it("refuses an unverified email nobody has, without creating a user", async () => {
    const email = uniqueEmail("new");
    const outcome = await resolveOAuthSignIn(db, {
      provider: "google",
      profile: { email, email_verified: false },
    });
    expect(outcome.allowed).toBe(false);
    expect(await usersWithEmail(email)).toBe(0);
  });

  it("signs a verified email in as its user, in any case, keeping the account as it is", async () => {
    const admin = await adminWithPassword();
    const outcome = await resolveOAuthSignIn(db, {
      provider: "google",
      profile: { email: admin.email.toUpperCase(), email_verified: true },
      name: "Someone Else",
    });
    expect(outcome).toEqual({
      allowed: true,
      created: false,
      user: { id: admin.id, email: admin.email, role: "ADMIN", name: "Ada" },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toEqual(admin);
  });

  it("finds a user stored with a mixed-case email instead of creating a second one", async () => {
    const email = `Mixed-${randomUUID()}@Example.com`;
    const stored = { ...(await db.user.create({ data: { email } })), email };
    const outcome = await resolveOAuthSignIn(db, {
      provider: "github",
      profile: { email: stored.email.toLowerCase(), email_verified: true },
    });
    expect(outcome).toMatchObject({ allowed: true, created: false, user: { id: stored.id } });
    expect(await usersWithEmail(stored.email)).toBe(1);
  });

  it("creates a user without a password or privileges for a new verified email", async () => {
    const email = uniqueEmail("First");
    const outcome = await resolveOAuthSignIn(db, {
      provider: "github",
      profile: { email, email_verified: true },
      name: "Ann",
    });
    expect(outcome).toMatchObject({
      allowed: true,
      created: true,
      user: { email: email.toLowerCase(), role: "USER", name: "Ann" },
    });
    const user = await db.user.findFirstOrThrow({ where: { email: email.toLowerCase() } });
    expect(user.passwordHash).toBeNull();
  });

  it("keeps no display name, and no email, that the platform could not store or show safely", async () => {
    const email = uniqueEmail("Named");
    const outcome = await resolveOAuthSignIn(db, {
      provider: "google",
      profile: { email, email_verified: true },
      name: "Ann\u0000\u202eevil",
    });
    expect(outcome).toMatchObject({ allowed: true, created: true, user: { name: null } });
    expect(
      verifiedOAuthEmail("google", { email: `x\u0000${email}`, email_verified: true }),
    ).toBeNull();
  });
});

describe("the next-auth callbacks", () => {
  const { callbacks } = createAuthOptions(() => db);
  const account = (provider: string): Account => ({
    provider,
    type: "oauth",
    providerAccountId: "12345",
  });

  it("refuse an unverified email, and give no session for it", async () => {
    const admin = await adminWithPassword();
    const profile = { email: admin.email, email_verified: false } as Profile;
    const user: User = { id: "12345", email: admin.email, name: "Eve" };
    expect(await callbacks?.signIn?.({ user, account: account("google"), profile })).toBe(
      `/sign-in?error=${signInErrors.unverifiedEmail}`,
    );
    const token = await callbacks?.jwt?.({
      token: { sub: "12345", email: admin.email },
      user,
      account: account("google"),
      profile,
    });
    expect(token?.sub).toBeUndefined();
    expect(token?.role).toBeUndefined();
  });

  it("sign a verified email in as its user", async () => {
    const admin = await adminWithPassword();
    const profile = { email: admin.email, email_verified: true } as Profile;
    const user: User = { id: "12345", email: admin.email, name: "Ada" };
    expect(await callbacks?.signIn?.({ user, account: account("google"), profile })).toBe(true);
    const token = await callbacks?.jwt?.({
      token: { sub: "12345" },
      user,
      account: account("google"),
      profile,
    });
    expect(token).toMatchObject({ sub: admin.id, email: admin.email, role: "ADMIN" });
  });
});
