// The process's auth settings and the session read both kinds of Next.js route use: the App
// Router's (next.ts, through next/headers) and the Pages Router's API routes (api-route.ts, which
// cannot import next/headers or `server-only`). Nothing here touches Next.js itself.
import { DatabaseUnavailableError } from "@credits/db";
import type { NextAuthOptions } from "next-auth";
import { type AuthEnv, readAuthEnv } from "./env.ts";
import type { AuthRequestParts } from "./hosts.ts";
import { readSession } from "./next-auth-call.ts";
import { createAuthOptions } from "./options.ts";
import type { SessionUser } from "./users.ts";

let options: NextAuthOptions | undefined;
let env: AuthEnv | undefined;

/** The auth env of this process, validated once. */
export function authEnv(): AuthEnv {
  env ??= readAuthEnv();
  return env;
}

/** The auth options of this process, built (and the auth env validated) on first use. */
export function authOptions(): NextAuthOptions {
  if (!options) {
    // next-auth takes its URL from the Host header only with AUTH_TRUST_HOST (else it is
    // NEXTAUTH_URL or http://localhost:3000). Every request reaches it through trustedAuthRequest,
    // which refuses hosts that are not trusted and hands it only checked headers.
    process.env.AUTH_TRUST_HOST = "true";
    options = createAuthOptions();
  }
  return options;
}

/**
 * The signed-in user of a request's trusted parts, or null. Throws DatabaseUnavailableError when
 * the session could not be checked against the database: the caller answers 503 and the user stays
 * signed in.
 */
export async function sessionUserOf(parts: AuthRequestParts): Promise<SessionUser | null> {
  const session = await readSession(parts, authOptions());
  if (session?.databaseUnavailable) throw new DatabaseUnavailableError(session.databaseUnavailable);
  return session?.user ?? null;
}
