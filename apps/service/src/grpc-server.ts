// The gRPC CreditService (proto/credits/v1/credits.proto) over h2c: HTTP/2 without TLS, as gRPC
// clients speak it inside a network; TLS belongs to the proxy in front, as for REST. Connect's Node
// adapter answers gRPC, gRPC-Web and Connect on it. Its own port: node:http cannot take HTTP/2, and
// sharing one port would need a first-bytes sniffer in front of both servers.
import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { creditServiceRoutes } from "@credits/credits/grpc";
import type { RestDependencies } from "@credits/credits/node";
import { withSpecGrpcMessages } from "./grpc-message.ts";

/** The largest request message accepted, as REST's body limit: every request here is small. */
const maxMessageBytes = 64 * 1024;

/** How long a closing server waits for calls in flight before it drops the sessions left. */
const closeGraceMs = 3_000;

export interface GrpcServer {
  server: Http2Server;
  /** Stops taking connections and resolves once the calls in flight have finished. */
  close(): Promise<void>;
}

export function createGrpcServer(deps: RestDependencies): GrpcServer {
  const server = createServer(
    withSpecGrpcMessages(
      connectNodeAdapter({ routes: creditServiceRoutes(deps), readMaxBytes: maxMessageBytes }),
    ),
  );
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  return {
    server,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Clients keep their HTTP/2 sessions open: closing them (GOAWAY) lets calls in flight finish
      // and tells each client to reconnect elsewhere. A stream a client never ends (one whose
      // request Connect refused over the size limit) would hold its session: dropped after a grace.
      for (const session of sessions) session.close();
      const grace = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, closeGraceMs);
      return closed.finally(() => clearTimeout(grace));
    },
  };
}
