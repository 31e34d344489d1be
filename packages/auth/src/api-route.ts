// The signed-in user of a request that a Pages-Router API route serves (the apps' tRPC endpoint):
// there is no next/headers there, so the headers and cookies come from the request itself. The
// same session read as getSessionUser (next.ts): the role as stored now, a revoked session ended.
import { trustedAuthRequest } from "./hosts.ts";
import { authEnv, sessionUserOf } from "./process-auth.ts";
import type { SessionUser } from "./users.ts";

/** The request's cookies, as a browser sent them in its Cookie header. */
function cookiesOf(header: string | null): { name: string; value: string }[] {
  if (!header) return [];
  return header.split(";").flatMap((pair) => {
    const separator = pair.indexOf("=");
    if (separator < 1) return [];
    const raw = pair.slice(separator + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // A value that is not percent-encoding is kept as it came, as Next.js's own parser does.
    }
    return [{ name: pair.slice(0, separator).trim(), value }];
  });
}

/**
 * The signed-in user of `request`, or null: also for a host that is not trusted, where nobody can
 * sign in. Throws DatabaseUnavailableError as getSessionUser does.
 */
export async function sessionUserOfRequest(request: Request): Promise<SessionUser | null> {
  const parts = trustedAuthRequest(
    request.headers,
    cookiesOf(request.headers.get("cookie")),
    authEnv(),
  );
  return parts ? sessionUserOf(parts) : null;
}
