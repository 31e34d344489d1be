import "server-only";

import { cookies, headers } from "next/headers";
import type { NextRequest } from "next/server";
import { type AuthRequestParts, trustedAuthRequest } from "./hosts.ts";
import { callNextAuth } from "./next-auth-call.ts";
import { signInErrors } from "./options.ts";
import { authEnv, authOptions, sessionUserOf } from "./process-auth.ts";
import type {} from "./session-types.ts";
import { trackSignOut } from "./sign-out-outcome.ts";
import type { SessionUser } from "./users.ts";

const jsonError = (status: number, error: string, message: string) =>
  Response.json({ error, message }, { status, headers: { "cache-control": "no-store" } });

/** `/api/auth/[...nextauth]` for an app-router app. */
export function createAuthRouteHandler() {
  return async (
    request: NextRequest,
    context: { params: Promise<{ nextauth: string[] }> },
  ): Promise<Response> => {
    const parts = trustedAuthRequest(request.headers, request.cookies.getAll(), authEnv());
    if (!parts) {
      return jsonError(
        400,
        "untrusted_host",
        "This server does not sign in at the address this request was sent to. Its operator can add the host to AUTH_TRUSTED_HOSTS.",
      );
    }
    const { nextauth } = await context.params;
    const { result, failed } = await trackSignOut(() =>
      callNextAuth(request, nextauth, parts, authOptions()),
    );
    if (failed) {
      return jsonError(
        503,
        "sign_out_failed",
        "Signing out could not be recorded, so the session still works. Please try again in a moment.",
      );
    }
    return result;
  };
}

/** The request's auth parts inside a server component or route handler (next/headers). */
async function currentParts(): Promise<AuthRequestParts | null> {
  const [incoming, cookieStore] = await Promise.all([headers(), cookies()]);
  return trustedAuthRequest(incoming, cookieStore.getAll(), authEnv());
}

/**
 * The error the sign-in page opens with: the one in its URL (from next-auth), or that this host is
 * not one sign-in answers for, since every attempt from here would be refused.
 */
export async function signInPageError(fromUrl: string | undefined): Promise<string | null> {
  if (!(await currentParts())) return signInErrors.untrustedHost;
  return fromUrl ?? null;
}

/**
 * The signed-in user of the current request (server components, route handlers), or null: also
 * for a request to a host that is not trusted, where nobody can sign in. Throws
 * DatabaseUnavailableError when the session could not be checked against the database: the caller
 * answers 503 and the user stays signed in.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const parts = await currentParts();
  return parts ? sessionUserOf(parts) : null;
}
