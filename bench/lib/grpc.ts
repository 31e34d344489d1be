// gRPC calls of the scenarios: the CreditService's UseCredits through a Connect client over h2c
// (one HTTP/2 connection, the calls multiplexed on it, as a backend's client would hold it).
import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CreditService } from "@credits/credits/grpc";
import { benchServiceToken } from "./requests.ts";

export type CreditClient = ReturnType<typeof createClient<typeof CreditService>>;

export function creditClient(baseUrl: string): CreditClient {
  return createClient(CreditService, createGrpcTransport({ baseUrl }));
}

const headers = () => ({
  authorization: `Bearer ${benchServiceToken}`,
  "idempotency-key": randomUUID(),
});

/** One UseCredits of 1 credit for the user, with a fresh idempotency key; false when refused. */
export async function grpcUseCredits(client: CreditClient, userId: string): Promise<boolean> {
  await client.useCredits(
    {
      userId,
      appId: "default",
      reportId: "bench-report",
      reportName: "Benchmark report",
      credits: 1n,
    },
    { headers: headers() },
  );
  return true;
}
