// The REST API outside Next.js, for the benchmark: the same handler and dependencies as the
// app's REST routes (packages/credits/src/next/rest.ts), on node:http. Configured by the same
// environment, plus PORT.
import { createMemoryRateLimiter, createRedisRateLimiter } from "@credits/auth";
import { billingConfigFrom, serviceApiConfigFrom } from "@credits/credits";
import { serveRestOnNode } from "@credits/credits/node";
import { getDb } from "@credits/db";

const config = serviceApiConfigFrom(process.env);
const server = await serveRestOnNode(
  {
    db: getDb(),
    billing: billingConfigFrom(process.env),
    config,
    limiter: config.redisUrl ? createRedisRateLimiter(config.redisUrl) : createMemoryRateLimiter(),
  },
  Number(process.env.PORT),
);
// A clean exit on SIGTERM, so that `--cpu-prof` (BENCH_SERVER_NODE_ARGS) writes its profile.
process.once("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
