// The apps' tRPC endpoint (/api/trpc/*), served by a Pages-Router API route
// (apps/*/src/pages/api/trpc/[trpc].ts) rather than an App-Router route handler: the App Router's
// own handling of a request cost about a millisecond of CPU per call more than a Pages-Router API
// route's on these machines (bench rows 0 and 0b: a route handler that only answers against an API
// route running the REST handler), a third of a tRPC spend. The same handler and context as the
// App Router's (handlers.ts, request-context.ts); the user is read from the request's own headers
// and cookies, as next/headers is not there (and, as for the REST route, no `server-only`).
import type { IncomingMessage, ServerResponse } from "node:http";
import { sessionUserOfRequest } from "@credits/auth/api-route";
import { fetchRequestOf, streamFetchResponse } from "../rest/node-server.ts";
import { createTrpcRouteHandler } from "./handlers.ts";
import { requestContextOf } from "./request-context.ts";

const handler = createTrpcRouteHandler(async (request) =>
  requestContextOf(await sessionUserOfRequest(request), request),
);

/** What a tRPC API route file exports as its default. */
export async function trpcApiRoute(incoming: IncomingMessage, outgoing: ServerResponse) {
  // A subscription (the live balance) streams until the browser leaves: its signal ends it then.
  const gone = new AbortController();
  outgoing.once("close", () => gone.abort());
  const request = fetchRequestOf(incoming, gone.signal);
  if (!request) {
    outgoing.writeHead(400, { "content-type": "application/json; charset=utf-8" });
    outgoing.end(
      JSON.stringify({
        error: { message: "The request's Host header or target is not a valid URL." },
      }),
    );
    return;
  }
  await streamFetchResponse(outgoing, await handler(request), gone.signal);
}
