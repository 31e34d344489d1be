// The REST handler on Node's own request and response: what apps/web's Pages-Router API routes
// call, and a plain node:http server for the tests (real HTTP without a build) and for the
// benchmark's measure of what the framework costs.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { discardNodeRest, readNodeTextWithin } from "../http/body.ts";
import { apiSecurityHeaders } from "../http/security-headers.ts";
import {
  answerRestRequest,
  invalidTargetAnswer,
  type RestDependencies,
  type RestRequest,
} from "./handler.ts";

export interface NodeRestServer {
  url: string;
  close(): Promise<void>;
}

/** Answers one Node request with the REST handler, the body read as it asks. */
export async function respondWithRest(
  deps: RestDependencies,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const request = restRequestOf(incoming);
  const answer = request ? await answerRestRequest(request, deps) : invalidTargetAnswer();
  setHeaders(outgoing, apiSecurityHeaders(request ?? nodeHeaders(incoming), deps.config.security));
  outgoing.writeHead(answer.status, answer.headers);
  outgoing.end(answer.body);
  // A body the handler never read (a bad token, an unknown route) is dropped within the same
  // bounds as one it refused midway, which is already being dropped (http/body.ts).
  if (!incoming.complete && !incoming.destroyed && incoming.readableFlowing === null)
    discardNodeRest(incoming);
}

/** The URL a Node request names, or null when its Host header and target make none. */
function urlOf(incoming: IncomingMessage): URL | null {
  try {
    return new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "localhost"}`);
  } catch {
    return null;
  }
}

/** The handler's request of a Node one, or null when its host and target make no URL. */
export function restRequestOf(incoming: IncomingMessage): RestRequest | null {
  const url = urlOf(incoming);
  if (!url) return null;
  closeWhenCutOff(incoming);
  return {
    method: incoming.method ?? "GET",
    url,
    headers: nodeHeaders(incoming).headers,
    readText: (maxBytes) =>
      incoming.method === "GET" || incoming.method === "HEAD"
        ? Promise.resolve("")
        : readNodeTextWithin(incoming, maxBytes),
  };
}

/**
 * A body that ends before it is complete was cut off (http/body.ts): its connection cannot carry
 * another request. Once the answer is out Node has let go of the socket, so it is closed here.
 */
function closeWhenCutOff(incoming: IncomingMessage): void {
  if (incoming.method === "GET" || incoming.method === "HEAD") return;
  const socket = incoming.socket;
  incoming.once("close", () => incoming.complete || socket.destroy());
}

/** A Node request's headers as the Fetch API reads them, one value per name. */
export function nodeHeaders(incoming: IncomingMessage): {
  headers: { get(name: string): string | null };
} {
  return {
    headers: {
      get: (name) => {
        const value = incoming.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(", ") : (value ?? null);
      },
    },
  };
}

/** Headers set before the answer's own, which win where they name the same one. */
export function setHeaders(outgoing: ServerResponse, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) outgoing.setHeader(name, value);
}

/** Sends a Fetch-API response on Node's. */
export async function writeFetchResponse(outgoing: ServerResponse, response: Response) {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Sends a Fetch-API response on Node's as its body comes (a tRPC subscription's event stream
 * never ends on its own); `gone` (the client went away) cancels the body. Written chunk by chunk
 * rather than piped: a pipe adds half a dozen listeners to a response that Next.js already
 * listens to, past Node's warning limit.
 */
export async function streamFetchResponse(
  outgoing: ServerResponse,
  response: Response,
  gone: AbortSignal,
) {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  const reader = response.body?.getReader();
  if (!reader) {
    outgoing.end();
    return;
  }
  const cancel = () => reader.cancel().catch(() => undefined);
  gone.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone.aborted) break;
      if (!outgoing.write(value)) await once(outgoing, "drain", { signal: gone });
    }
  } catch {
    // The client went away mid-stream: the body was cancelled, nothing is left to send.
  } finally {
    gone.removeEventListener("abort", cancel);
    outgoing.end();
  }
}

/**
 * The Fetch-API request of a Node one, or null when its host and target make no URL; `signal`
 * tells a handler that streams its answer that the client went away.
 */
export function fetchRequestOf(incoming: IncomingMessage, signal?: AbortSignal): Request | null {
  const url = urlOf(incoming);
  if (!url) return null;
  // The body streams into the handler: nothing is read before it asks.
  const streamed = incoming.method !== "GET" && incoming.method !== "HEAD";
  closeWhenCutOff(incoming);
  return new Request(url, {
    method: incoming.method,
    headers: Object.entries(incoming.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]],
    ) as [string, string][],
    body: streamed ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
    signal,
  } as RequestInit);
}

/** Serves `handleRestRequest` on 127.0.0.1:`port` (0: any free port). */
export async function serveRestOnNode(deps: RestDependencies, port = 0): Promise<NodeRestServer> {
  const server: Server = createServer((incoming, outgoing) =>
    respondWithRest(deps, incoming, outgoing),
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Kept-alive and abandoned uploads would otherwise hold the close for seconds.
        server.closeAllConnections();
      }),
  };
}
