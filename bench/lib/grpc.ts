// gRPC calls of the scenarios: a minimal client on node:http2 for the load generator, unary
// UseCredits calls framed by hand (a 5-byte prefix and the protobuf-es message) on one h2c
// connection, as h2load would send them. The @grpc/grpc-js client cost the load generator 0.37 to
// 0.71 ms of CPU per call against 0.17 to 0.20 here, and on this 2-core machine the load
// generator's CPU is taken from the server and Postgres under test (bench/analysis.md). The tests
// call the service through @grpc/grpc-js (apps/service/test).
import { randomUUID } from "node:crypto";
import { type ClientHttp2Session, connect } from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { CreditService } from "@credits/credits/grpc";
import { benchServiceToken } from "./requests.ts";

const useCredits = CreditService.method.useCredits;
const useCreditsPath = `/${CreditService.typeName}/${useCredits.name}`;

export function creditClient(baseUrl: string): ClientHttp2Session {
  return connect(baseUrl);
}

/** One UseCredits of 1 credit for the user; rejects with the grpc-status when refused. */
export function grpcUseCredits(session: ClientHttp2Session, userId: string): Promise<boolean> {
  const message = toBinary(
    useCredits.input,
    create(useCredits.input, {
      userId,
      appId: "default",
      reportId: "bench-report",
      reportName: "Benchmark report",
      credits: 1n,
    }),
  );
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return new Promise((resolve, reject) => {
    let status: string | undefined;
    const stream = session.request({
      ":method": "POST",
      ":path": useCreditsPath,
      "content-type": "application/grpc",
      te: "trailers",
      authorization: `Bearer ${benchServiceToken}`,
      "idempotency-key": randomUUID(),
    });
    // A refusal may come as headers only (no message, no trailers).
    stream.on("response", (headers) => {
      if (headers["grpc-status"] !== undefined) status = String(headers["grpc-status"]);
    });
    stream.on("trailers", (trailers) => {
      status = String(trailers["grpc-status"]);
    });
    stream.on("data", () => {});
    stream.on("end", () =>
      status === "0" ? resolve(true) : reject(new Error(`grpc-status ${status ?? "missing"}`)),
    );
    stream.on("error", reject);
    stream.end(frame);
  });
}
