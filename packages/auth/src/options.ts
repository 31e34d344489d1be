import { type Database, databaseUnavailableReason, getDb } from "@credits/db";
import type { CallbacksOptions, NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { readAuthEnv } from "./env.ts";
import { resolveOAuthSignIn, withGitHubVerifiedEmail } from "./oauth.ts";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limiter.ts";
import type {} from "./session-types.ts";
import { SignInThrottle } from "./sign-in-limits.ts";
import { authenticate, type SessionUser, TooManySignInAttemptsError } from "./users.ts";

let signInThrottle: SignInThrottle | undefined;

/** Failed sign-ins counted in Redis when REDIS_URL is set (shared by instances), else in memory. */
function getSignInThrottle(redisUrl: string | undefined): SignInThrottle {
  signInThrottle ??= new SignInThrottle(
    redisUrl ? createRedisRateLimiter(redisUrl) : createMemoryRateLimiter(),
  );
  return signInThrottle;
}

/**
 * The client's address, from X-Forwarded-For as far as it can be trusted: each of the
 * `trustedProxies` reverse proxies in front of the app appends the address it was called from, so
 * the client is the entry that many places from the end; anything before it is whatever the client
 * sent. With no trusted proxy (the default) the header proves nothing and the answer is null: the
 * app cannot see its callers' addresses itself (Next.js keeps a header the client sent).
 */
export function clientAddress(
  headers: Record<string, string | string[] | undefined> | undefined,
  trustedProxies: number,
): string | null {
  if (trustedProxies < 1) return null;
  const header = headers?.["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.at(-trustedProxies) ?? null;
}

/**
 * A session read while the database cannot be reached keeps its token as it was, marked with the
 * reason, so the request is answered 503 (getSessionUser throws): next-auth's own answer to a
 * failing callback is to clear the cookie, which would sign everyone out for a database restart.
 * Signing in needs the database, so a failure then stays one.
 */
function keepingSessionsThroughOutages(jwt: CallbacksOptions["jwt"]): CallbacksOptions["jwt"] {
  return async (params) => {
    try {
      const { databaseUnavailable: _, ...token } = await jwt(params);
      return token;
    } catch (error) {
      const reason = databaseUnavailableReason(error);
      if (!reason || params.account) throw error;
      return { ...params.token, databaseUnavailable: reason };
    }
  };
}

/** Error codes the sign-in page turns into messages. */
export const signInErrors = {
  wrongCredentials: "CredentialsSignin",
  tooManyAttempts: "TooManyAttempts",
  unverifiedEmail: "UnverifiedEmail",
} as const;

/**
 * next-auth configuration shared by both apps: email + password always, GitHub and Google when
 * their keys are set; JWT sessions carrying the user's id and role, the role re-read from the
 * database on every request so a demotion takes effect at once.
 */
export function createAuthOptions(
  db: () => Database = getDb,
  /** Tests pass their own; by default one per process, in Redis when REDIS_URL is set. */
  signInThrottleOverride?: SignInThrottle,
): NextAuthOptions {
  const env = readAuthEnv();
  const throttle = () => signInThrottleOverride ?? getSignInThrottle(env.REDIS_URL);
  const oauth = [
    env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET
      ? GitHubProvider({
          clientId: env.AUTH_GITHUB_ID,
          clientSecret: env.AUTH_GITHUB_SECRET,
          // The profile alone does not say whether GitHub verified its email: ask GitHub.
          userinfo: {
            url: "https://api.github.com/user",
            async request({ client, tokens }) {
              const accessToken = tokens.access_token ?? "";
              return withGitHubVerifiedEmail(await client.userinfo(accessToken), accessToken);
            },
          },
        })
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
            return await authenticate(db(), throttle(), {
              email,
              password: credentials?.password ?? "",
              address: clientAddress(request?.headers, env.AUTH_TRUSTED_PROXIES),
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
      async signIn({ user, account, profile }) {
        if (!account || account.type === "credentials") return true;
        // OAuth: only an email the provider verified is an identity (see oauth.ts).
        const outcome = await resolveOAuthSignIn(db(), {
          provider: account.provider,
          profile,
          name: user.name,
        });
        if (outcome.allowed) return true;
        return outcome.reason === "unverified-email"
          ? `/sign-in?error=${signInErrors.unverifiedEmail}`
          : false;
      },
      jwt: keepingSessionsThroughOutages(async ({ token, user, account, profile }) => {
        // At sign-in the user comes from authorize (credentials: our id) or from the provider's
        // verified email (OAuth, as signIn allowed it); afterwards from the token's subject.
        let where: { id: string } | null = token.sub ? { id: token.sub } : null;
        if (account?.type === "credentials") where = { id: user.id };
        else if (account) {
          const outcome = await resolveOAuthSignIn(db(), {
            provider: account.provider,
            profile,
            name: user.name,
          });
          where = outcome.allowed ? { id: outcome.user.id } : null;
        }
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
      }),
      async session({ session, token }) {
        if (token.databaseUnavailable) {
          return { ...session, user: undefined, databaseUnavailable: token.databaseUnavailable };
        }
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
