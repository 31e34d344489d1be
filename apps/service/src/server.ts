// The credits service for other backends on node:http: the REST API of the original design and
// what runs it (health, metrics, the OpenAPI document and its reference page). Everything it
// answers comes from @credits/credits, the same handler apps/web serves; this file only routes.
// node:http rather than a framework: the handler routes by itself, so a framework would only add
// cost (Fastify 5 answers a trivial route at about 0.87x plain node:http on these machines);
// `pnpm bench` rows 1b and 2b measure this server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  apiSecurityHeaders,
  fetchRequestOf,
  livenessResponse,
  metricsEndpoint,
  newNonce,
  nodeHeaders,
  openApiDocument,
  type RestDependencies,
  readinessResponse,
  respondWithRest,
  scriptlessPageContentSecurityPolicy,
  setHeaders,
  writeFetchResponse,
} from "@credits/credits/node";
import { referencePage } from "./reference-page.ts";

const noStore = { "cache-control": "no-store" };

/** The answer to a request outside the REST API, or null when the REST handler answers it. */
function operationalResponse(
  deps: RestDependencies,
  incoming: IncomingMessage,
): Promise<Response> | Response | null {
  if (incoming.method !== "GET" && incoming.method !== "HEAD") return null;
  const path = (incoming.url ?? "/").split("?")[0];
  switch (path) {
    case "/health":
      return livenessResponse();
    case "/health/ready":
      return readinessResponse(() => deps.db);
    case "/metrics": {
      const request = fetchRequestOf(incoming);
      return request ? metricsEndpoint(request, deps.db, deps.config.metricsToken) : null;
    }
    case "/openapi.json":
    case "/api/openapi.json":
      return Response.json(openApiDocument(), { headers: noStore });
    case "/":
    case "/api/docs": {
      const nonce = newNonce();
      return new Response(referencePage(openApiDocument(), nonce), {
        headers: {
          ...noStore,
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": scriptlessPageContentSecurityPolicy(nonce),
        },
      });
    }
    default:
      return null;
  }
}

/** Answers one request: the operational endpoints here, everything else by the REST handler. */
export async function handleServiceRequest(
  deps: RestDependencies,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const operational = operationalResponse(deps, incoming);
  if (!operational) return respondWithRest(deps, incoming, outgoing);
  // The answer's own CSP (the reference page's) replaces the API one, as writeHead's headers win.
  setHeaders(outgoing, apiSecurityHeaders(nodeHeaders(incoming), deps.config.security));
  await writeFetchResponse(outgoing, await operational);
}

export function createServiceServer(deps: RestDependencies): Server {
  return createServer((incoming, outgoing) => {
    handleServiceRequest(deps, incoming, outgoing).catch(() => {
      // The handlers answer every failure themselves; this is a write to a closed socket.
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });
}
