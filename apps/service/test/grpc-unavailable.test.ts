// The gRPC CreditService while its database cannot be reached (here: nothing listens where
// DATABASE_URL points, as while PostgreSQL restarts): UNAVAILABLE, with a retry-after trailer
// that says when to try again, as REST's 503 carries Retry-After.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CreditServiceClient, call, creditServiceClient, metadata } from "./grpc-client.ts";
import { type RunningService, startService } from "./service-process.ts";

const token = `test-service-token-${randomUUID()}`;
let service: RunningService;
let client: CreditServiceClient;

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  service = await startService({
    CREDITS_SERVICE_TOKEN: token,
    DATABASE_URL: `postgresql://postgres@127.0.0.1:${await closedPort()}/unreachable`,
  });
  client = creditServiceClient(service.grpcAddress);
}, 60_000);

afterAll(async () => {
  client?.close();
  await service?.stop();
});

it("answers UNAVAILABLE with a retry-after trailer while the database is unreachable", async () => {
  const answer = await call(client, "GetUserCredits", { user_id: "42" }, metadata(token));
  expect(answer.error?.code).toBe(status.UNAVAILABLE);
  expect(answer.error?.details).toBe(
    "The service cannot reach its database right now; retry in 2 seconds.",
  );
  expect(answer.error?.metadata.get("retry-after")).toEqual(["2"]);
});
