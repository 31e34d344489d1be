import { type Database, getDb } from "@credits/db";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./counters.ts";
import { readAuthEnv } from "./env.ts";
import { FailedSignInLimiter } from "./rate-limit.ts";
import type {} from "./session-types.ts";
import { authenticate, type SessionUser, TooManySignInAttemptsError } from "./users.ts";

let signInLimiter: FailedSignInLimiter | undefined;

/** Failed sign-ins counted in Redis when REDIS_URL is set (shared by instances), else in memory. */
function getSignInLimiter(redisUrl: string | undefined): FailedSignInLimiter {
  signInLimiter ??= new FailedSignInLimiter(
    redisUrl ? createRedisRateLimiter(redisUrl) : createMemoryRateLimiter(),
  );
  return signInLimiter;
}

function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || "unknown";
}

/** Error codes the sign-in page turns into messages. */
export const signInErrors = {
  wrongCredentials: "CredentialsSignin",
  tooManyAttempts: "TooManyAttempts",
} as const;

/**
 * next-auth configuration shared by both apps: email + password always, GitHub and Google when
 * their keys are set; JWT sessions carrying the user's id and role, the role re-read from the
 * database on every request so a demotion takes effect at once.
 */
export function createAuthOptions(db: () => Database = getDb): NextAuthOptions {
  const env = readAuthEnv();
  const oauth = [
    env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET
      ? GitHubProvider({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET })
      : null,
    env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET
      ? GoogleProvider({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET })
      : null,
  ].filter((provider) => provider !== null);

  return {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, request) {
          const email = credentials?.email ?? "";
          try {
            return await authenticate(db(), getSignInLimiter(env.REDIS_URL), {
              email,
              password: credentials?.password ?? "",
              limiterKey: `${email.trim().toLowerCase()}|${clientAddress(request?.headers)}`,
            });
          } catch (error) {
            if (error instanceof TooManySignInAttemptsError)
              throw new Error(signInErrors.tooManyAttempts);
            throw error;
          }
        },
      }),
      ...oauth,
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (!account || account.type === "credentials") return true;
        // OAuth: the verified email is the identity; the first sign-in creates the user.
        if (!user.email) return false;
        await db().user.upsert({
          where: { email: user.email.toLowerCase() },
          create: { email: user.email.toLowerCase(), name: user.name ?? null },
          update: {},
        });
        return true;
      },
      async jwt({ token, user, account }) {
        // At sign-in the user comes from authorize (credentials: our id) or the provider (OAuth:
        // found by email); afterwards from the token's subject.
        const where = account
          ? account.type === "credentials"
            ? { id: user.id }
            : { email: user.email?.toLowerCase() ?? "" }
          : token.sub
            ? { id: token.sub }
            : null;
        const current = where
          ? await db().user.findUnique({
              where,
              select: { id: true, email: true, role: true, name: true },
            })
          : null;
        // A deleted user's token stops working.
        if (!current) return { ...token, sub: undefined, role: undefined };
        return {
          ...token,
          sub: current.id,
          email: current.email,
          name: current.name,
          role: current.role,
        };
      },
      async session({ session, token }) {
        if (!token.sub || !token.role) return { ...session, user: undefined };
        const user: SessionUser = {
          id: token.sub,
          email: token.email ?? "",
          role: token.role as SessionUser["role"],
          name: token.name ?? null,
        };
        return { ...session, user };
      },
    },
  };
}
