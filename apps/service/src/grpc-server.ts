// The gRPC CreditService (proto/credits/v1/credits.proto) over h2c: HTTP/2 without TLS, as gRPC
// clients speak it inside a network; TLS belongs to the proxy in front, as for REST. Its own port:
// node:http cannot take HTTP/2. @credits/credits/grpc builds the server; this file runs it.
import { createCreditServiceServer } from "@credits/credits/grpc";
import type { RestDependencies } from "@credits/credits/node";
import { type Server, ServerCredentials } from "@grpc/grpc-js";

/** How long a closing server waits for calls in flight before it cancels those left. */
const closeGraceMs = 3_000;

export interface GrpcServer {
  server: Server;
  /** Listens on `host:port` (0: any free port) and answers the port it got. */
  listen(port: number, host: string): Promise<number>;
  /** Stops taking calls and resolves once the calls in flight have finished (or were cancelled). */
  close(): Promise<void>;
}

export function createGrpcServer(deps: RestDependencies): GrpcServer {
  const server = createCreditServiceServer(deps);
  return {
    server,
    listen(port, host) {
      const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
      return new Promise((resolve, reject) => {
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
          error ? reject(error) : resolve(bound),
        );
      });
    },
    close() {
      // tryShutdown sends GOAWAY and lets calls in flight finish; a client that keeps a stream
      // open would hold it forever, so whatever is left after the grace is cancelled.
      const grace = setTimeout(() => server.forceShutdown(), closeGraceMs);
      return new Promise<void>((resolve) => server.tryShutdown(() => resolve())).finally(() =>
        clearTimeout(grace),
      );
    },
  };
}
