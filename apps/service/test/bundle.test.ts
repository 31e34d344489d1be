// The service as `pnpm start` runs it: the bundle that scripts/build.ts makes (workspace code in
// one module, third-party packages from node_modules), on plain Node without tsx. A path that
// resolves only under tsx, or a package the bundle cannot find, fails here.

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildService } from "../scripts/build.ts";
import { call, creditServiceClient, metadata } from "./grpc-client.ts";
import { type RunningService, startService } from "./service-process.ts";

const serviceToken = `test-service-token-${randomUUID()}`;
let service: RunningService;
let outDir = "";

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "credits-service-bundle-"));
  const bundle = join(outDir, "main.mjs");
  await buildService(bundle);
  service = await startService({ CREDITS_SERVICE_TOKEN: serviceToken }, { bundle });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe("the built service", () => {
  it("answers REST and gRPC spends from its bundle", async () => {
    const userId = `bundle_${randomUUID().slice(0, 12)}`;
    const rest = (path: string, body: unknown) =>
      fetch(`${service.restUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${serviceToken}` },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    expect(
      await rest(`/api/credits/${userId}/add`, { amount: 10, description: "in" }),
    ).toMatchObject({ status: 200, body: { balance: 10 } });
    expect(
      await rest(`/api/credits/${userId}/deduct`, { amount: 4, description: "out" }),
    ).toMatchObject({ status: 200, body: { balance: 6 } });
    const client = creditServiceClient(service.grpcAddress);
    try {
      const used = await call(
        client,
        "UseCredits",
        { user_id: userId, report_id: "r1", report_name: "Report", credits: 5 },
        metadata(serviceToken),
      );
      expect(used.error).toBeUndefined();
      const read = await call(
        client,
        "GetUserCredits",
        { user_id: userId },
        metadata(serviceToken),
      );
      expect(read.response).toMatchObject({ balances: [{ app_id: "default", balance: "1" }] });
    } finally {
      client.close();
    }
    const ready = await fetch(`${service.restUrl}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
