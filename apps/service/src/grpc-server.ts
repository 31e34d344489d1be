// The gRPC CreditService (proto/credits/v1/credits.proto) over h2c: HTTP/2 without TLS, as gRPC
// clients speak it inside a network; TLS belongs to the proxy in front, as for REST. Connect's Node
// adapter answers gRPC, gRPC-Web and Connect on it. Its own port: node:http cannot take HTTP/2, and
// sharing one port would need a first-bytes sniffer in front of both servers.
import { createServer, type Http2Server } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { creditServiceRoutes } from "@credits/credits/grpc";
import type { RestDependencies } from "@credits/credits/node";
import { withSpecGrpcMessages } from "./grpc-message.ts";

export function createGrpcServer(deps: RestDependencies): Http2Server {
  return createServer(
    withSpecGrpcMessages(connectNodeAdapter({ routes: creditServiceRoutes(deps) })),
  );
}
