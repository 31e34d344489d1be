import { type Database, databaseUnavailableReason, getDb } from "@credits/db";
import type { CallbacksOptions, NextAuthOptions, Profile } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { readAuthEnv } from "./env.ts";
import { resolveOAuthSignIn, withGitHubVerifiedEmail } from "./oauth.ts";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limiter.ts";
import type {} from "./session-types.ts";
import {
  activeSessionUser,
  currentSessionVersion,
  endSession,
  newSessionClaims,
  sessionMaxAgeSeconds,
} from "./sessions.ts";
import { SignInThrottle } from "./sign-in-limits.ts";
import { reportSignOutFailure } from "./sign-out-outcome.ts";
import { authenticate, type SessionUser, TooManySignInAttemptsError } from "./users.ts";

let signInThrottle: SignInThrottle | undefined;

/** Failed sign-ins counted in Redis when REDIS_URL is set (shared by instances), else in memory. */
function getSignInThrottle(redisUrl: string | undefined): SignInThrottle {
  signInThrottle ??= new SignInThrottle(
    redisUrl ? createRedisRateLimiter(redisUrl) : createMemoryRateLimiter(),
  );
  return signInThrottle;
}

/** The sign-in throttle of this process (Redis when REDIS_URL is set): also for password changes. */
export function defaultSignInThrottle(): SignInThrottle {
  return getSignInThrottle(readAuthEnv().REDIS_URL);
}

/**
 * next-auth's own log lines as JSON, with an error's name and code only: its default prints the
 * whole error, stack and database message included.
 */
function authLog(level: "error" | "warn", code: string, metadata?: unknown): void {
  const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error;
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level,
      msg: `next-auth ${code}`,
      error: error instanceof Error ? error.name : undefined,
      code: (error as { code?: unknown } | undefined)?.code,
    }),
  );
}

const authLogger: NextAuthOptions["logger"] = {
  error: (code, metadata) => authLog("error", code, metadata),
  warn: (code) => authLog("warn", code),
  debug() {},
};

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
  untrustedHost: "UntrustedHost",
} as const;

/**
 * next-auth configuration shared by both apps: email + password always, GitHub and Google when
 * their keys are set; JWT sessions carrying the user's id and role, the role re-read from the
 * database on every request so a demotion takes effect at once, and with it whether the session
 * has ended (sessions.ts).
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
    session: { strategy: "jwt", maxAge: sessionMaxAgeSeconds },
    logger: authLogger,
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
        // verified email (OAuth, as signIn allowed it), and a new session starts; afterwards the
        // token names its user and session.
        let claims = token;
        if (account) {
          const userId =
            account.type === "credentials"
              ? user.id
              : await oauthUserId(db(), account.provider, profile, user.name);
          if (!userId) return endedToken(token);
          claims = {
            ...token,
            sub: userId,
            ...newSessionClaims(await currentSessionVersion(db(), userId)),
          };
        }
        // Every request: the user as stored now, unless the session has ended (or the user is gone).
        const current = await activeSessionUser(db(), claims);
        if (!current) return endedToken(claims);
        return {
          ...claims,
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
    events: {
      async signOut({ token }) {
        try {
          await endSession(db(), token);
        } catch (error) {
          // The route answers this sign-out as failed (the session would otherwise live on).
          reportSignOutFailure();
          throw error;
        }
      },
    },
  };
}

/** The user an OAuth sign-in is for (as the signIn callback allowed it), or null. */
async function oauthUserId(
  db: Database,
  provider: string,
  profile: Profile | undefined,
  name: string | null | undefined,
): Promise<string | null> {
  const outcome = await resolveOAuthSignIn(db, { provider, profile, name });
  return outcome.allowed ? outcome.user.id : null;
}

/** A token that signs nobody in: what an ended session's cookie decodes to from now on. */
function endedToken(token: JWT): JWT {
  return { ...token, sub: undefined, role: undefined, sid: undefined, sv: undefined };
}
