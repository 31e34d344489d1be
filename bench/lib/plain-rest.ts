// The REST API outside Next.js, for the benchmark: the same handler and dependencies as the
// app's REST routes (restDependenciesFrom), on node:http. Configured by the same environment,
// plus PORT.
import { restDependenciesFrom, serveRestOnNode } from "@credits/credits/node";

const server = await serveRestOnNode(restDependenciesFrom(process.env), Number(process.env.PORT));
// A clean exit on SIGTERM, so that `--cpu-prof` (BENCH_SERVER_NODE_ARGS) writes its profile.
process.once("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
