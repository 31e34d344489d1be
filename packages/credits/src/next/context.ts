import "server-only";

import { getSessionUser } from "@credits/auth/next";
import type { CreditsContext } from "../trpc.ts";
import { requestContextOf } from "./request-context.ts";

/** The context of a server component's or App-Router route's request (the user from next/headers). */
export async function createRequestContext(request?: Request): Promise<CreditsContext> {
  return requestContextOf(await getSessionUser(), request);
}
