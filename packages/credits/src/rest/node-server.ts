// The REST handler on a plain node:http server, outside Next.js: for the tests (real HTTP without a
// build) and for the benchmark's measure of what the framework costs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { handleRestRequest, type RestDependencies } from "./handler.ts";

export interface NodeRestServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `handleRestRequest` on 127.0.0.1:`port` (0: any free port). */
export async function serveRestOnNode(deps: RestDependencies, port = 0): Promise<NodeRestServer> {
  const server: Server = createServer(async (incoming, outgoing) => {
    // The body streams into the handler, as under Next.js: nothing is read before it asks.
    const streamed = incoming.method !== "GET" && incoming.method !== "HEAD";
    const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
      method: incoming.method,
      headers: Object.entries(incoming.headers).flatMap(([name, value]) =>
        value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]],
      ) as [string, string][],
      body: streamed ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
      duplex: "half",
    } as RequestInit);
    const response = await handleRestRequest(request, deps);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
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
