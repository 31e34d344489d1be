import "server-only";

import { getSessionUser } from "@credits/auth/next";
import { getDb } from "@credits/db";
import { getBillingConfig } from "../stripe/config.ts";
import type { CreditsContext } from "../trpc.ts";

/**
 * The context of a request in either app: the shared database, the signed-in user (if any), the
 * billing settings and the request's origin.
 */
export async function createRequestContext(request?: Request): Promise<CreditsContext> {
  const user = await getSessionUser();
  return {
    db: getDb(),
    session: user ? { user } : null,
    billing: getBillingConfig(),
    origin: request ? new URL(request.url).origin : "http://localhost:3000",
  };
}
