// `pnpm --filter @credits/service start` (and `dev`): the credits service as its own process, the
// REST API on SERVICE_PORT and the gRPC CreditService on GRPC_PORT.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import {
  log,
  restDependenciesFrom,
  startWebhookWorker,
  webhookConfigFrom,
} from "@credits/credits/node";
import { disconnectDb } from "@credits/db";
import { readServiceEnv } from "./env.ts";
import { createGrpcServer } from "./grpc-server.ts";
import { createServiceServer } from "./server.ts";

const env = readServiceEnv(process.env);
const deps = restDependenciesFrom(process.env);
const server = createServiceServer(deps);
const grpc = createGrpcServer(deps);
server.listen(env.SERVICE_PORT, env.SERVICE_HOST);
const [grpcPort] = await Promise.all([
  grpc.listen(env.GRPC_PORT, env.SERVICE_HOST),
  once(server, "listening"),
]);
// The webhook worker (and with Stripe configured, the auto top-up round) runs here unless
// WEBHOOK_WORKER=off (e.g. a deployment that runs it in one process of several only: any number
// can run, but one is enough).
const webhooks = webhookConfigFrom(process.env, true);
const worker =
  webhooks.worker && env.DATABASE_URL
    ? await startWebhookWorker({
        db: deps.db,
        connectionString: env.DATABASE_URL,
        config: webhooks,
        billing: deps.billing,
        logger: { error: (message, fields) => log("error", message, fields) },
      })
    : null;
const host = env.SERVICE_HOST === "0.0.0.0" ? "localhost" : env.SERVICE_HOST;
const { port } = server.address() as AddressInfo;
console.log(
  `credits service on http://${host}:${port} (REST under /api, reference at /api/docs), gRPC on ${host}:${grpcPort}${worker ? ", webhook worker on" : ""}`,
);

// A rolling deploy sends SIGTERM: stop taking connections, let requests in flight finish.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    const restClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    void Promise.all([restClosed, grpc.close(), worker?.stop()]).then(() =>
      disconnectDb().finally(() => process.exit(0)),
    );
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
