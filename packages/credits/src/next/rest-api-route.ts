// The service REST API inside Next.js. It is served by Pages-Router API routes
// (apps/web/src/pages/api/*), which hand over Node's own request and response: an App-Router route
// handler converts both to Web streams and back, which cost about a third more CPU per spend
// (bench/analysis.md). No `server-only` here: its guard refuses the Pages-Router server
// bundle, and an API route is never sent to a browser.
import type { IncomingMessage, ServerResponse } from "node:http";
import { restDependenciesFrom } from "../rest/dependencies.ts";
import type { RestDependencies } from "../rest/handler.ts";
import { respondWithRest } from "../rest/node-server.ts";

const processWide = globalThis as unknown as { __creditsRest?: RestDependencies };

/** The process's REST dependencies, made on first use (rate limits in Redis when REDIS_URL is set). */
export function restDependencies(): RestDependencies {
  processWide.__creditsRest ??= restDependenciesFrom(process.env);
  return processWide.__creditsRest;
}

/** What a REST API route file exports as its default: every method, every path under its prefix. */
export function restApiRoute(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  return respondWithRest(restDependencies(), incoming, outgoing);
}
