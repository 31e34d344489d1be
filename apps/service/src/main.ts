// `pnpm --filter @credits/service start` (and `dev`): the credits service as its own process.
import type { AddressInfo } from "node:net";
import { restDependenciesFrom } from "@credits/credits/node";
import { disconnectDb } from "@credits/db";
import { readServiceEnv } from "./env.ts";
import { createServiceServer } from "./server.ts";

const env = readServiceEnv(process.env);
const server = createServiceServer(restDependenciesFrom(process.env));
server.listen(env.SERVICE_PORT, env.SERVICE_HOST, () => {
  const { port } = server.address() as AddressInfo;
  const host = env.SERVICE_HOST === "0.0.0.0" ? "localhost" : env.SERVICE_HOST;
  console.log(
    `credits service on http://${host}:${port} (REST under /api, reference at /api/docs)`,
  );
});

// A rolling deploy sends SIGTERM: stop taking connections, let requests in flight finish.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => {
      void disconnectDb().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
