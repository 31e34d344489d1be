// gRPC calls of the scenarios: the CreditService's UseCredits through a @grpc/grpc-js client over
// h2c (one channel, the calls multiplexed on its HTTP/2 connection, as a backend's client would hold
// it), with the messages of protobuf-es: the server's own library on the client side too.
import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { CreditService } from "@credits/credits/grpc";
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { benchServiceToken } from "./requests.ts";

const useCredits = CreditService.method.useCredits;
const useCreditsPath = `/${CreditService.typeName}/${useCredits.name}`;

export function creditClient(baseUrl: string): Client {
  return new Client(new URL(baseUrl).host, credentials.createInsecure());
}

/** One UseCredits of 1 credit for the user, with a fresh idempotency key; rejects when refused. */
export function grpcUseCredits(client: Client, userId: string): Promise<boolean> {
  const request = create(useCredits.input, {
    userId,
    appId: "default",
    reportId: "bench-report",
    reportName: "Benchmark report",
    credits: 1n,
  });
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${benchServiceToken}`);
  metadata.set("idempotency-key", randomUUID());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      useCreditsPath,
      (message: typeof request) => Buffer.from(toBinary(useCredits.input, message)),
      (bytes: Buffer) => bytes,
      request,
      metadata,
      (error) => (error ? reject(error) : resolve(true)),
    );
  });
}
