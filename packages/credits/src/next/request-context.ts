// The tRPC context of a request in either app, however the route got its user: the App Router's
// through next/headers (context.ts), the Pages-Router API route's from the request (trpc-api-route.ts).
import type { SessionUser } from "@credits/auth";
import { servingDatabase } from "../rest/dependencies.ts";
import { getBillingConfig } from "../stripe/config.ts";
import type { CreditsContext } from "../trpc.ts";

/**
 * The shared database (its spends under group commit), the signed-in user (if any), the billing
 * settings and the request's origin.
 */
export function requestContextOf(user: SessionUser | null, request?: Request): CreditsContext {
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
