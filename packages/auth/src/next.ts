import "server-only";

import { DatabaseUnavailableError } from "@credits/db";
import NextAuth, { getServerSession, type NextAuthOptions } from "next-auth";
import { createAuthOptions } from "./options.ts";
import type {} from "./session-types.ts";
import type { SessionUser } from "./users.ts";

let options: NextAuthOptions | undefined;

/** The auth options of this process, built (and the auth env validated) on first use. */
export function authOptions(): NextAuthOptions {
  options ??= createAuthOptions();
  return options;
}

/** `/api/auth/[...nextauth]` for an app-router app. */
export function createAuthRouteHandler() {
  return (request: Request, context: { params: Promise<{ nextauth: string[] }> }) =>
    NextAuth(authOptions())(request, context);
}

/**
 * The signed-in user of the current request (server components, route handlers), or null. Throws
 * DatabaseUnavailableError when the session could not be checked against the database: the caller
 * answers 503 and the user stays signed in.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  if (session?.databaseUnavailable) throw new DatabaseUnavailableError(session.databaseUnavailable);
  return session?.user ?? null;
}
