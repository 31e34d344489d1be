import "server-only";

import { getSessionUser } from "@credits/auth/next";
import { servingDatabase } from "../rest/dependencies.ts";
import { getBillingConfig } from "../stripe/config.ts";
import type { CreditsContext } from "../trpc.ts";

/**
 * The context of a request in either app: the shared database (its spends under group commit), the
 * signed-in user (if any), the billing settings and the request's origin.
 */
export async function createRequestContext(request?: Request): Promise<CreditsContext> {
  const user = await getSessionUser();
  return {
    db: servingDatabase(),
    session: user ? { user } : null,
    billing: getBillingConfig(),
    origin: request ? requestOrigin(request) : "http://localhost:3000",
  };
}

/**
 * The origin the browser used, from the Host header (Next.js reports its own listening address in
 * `request.url`). Behind a proxy APP_URL should be set, and then links use it instead.
 */
function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  const protocol = request.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${protocol === "https" ? "https" : "http"}://${host}`;
}
