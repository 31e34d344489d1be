import "server-only";

import { getSessionUser } from "@credits/auth/next";
import { getDb } from "@credits/db";
import type { CreditsContext } from "../trpc.ts";

/** The context of a request in either app: the shared database and the signed-in user, if any. */
export async function createRequestContext(): Promise<CreditsContext> {
  const user = await getSessionUser();
  return { db: getDb(), session: user ? { user } : null };
}
