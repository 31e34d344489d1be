// What a plain Node server mounts (apps/service, the benchmark's plain server): the REST API on
// Node's own request and response, health, metrics and the OpenAPI document.
export { livenessResponse, readinessResponse } from "../http/health.ts";
export {
  apiSecurityHeaders,
  newNonce,
  scriptlessPageContentSecurityPolicy,
} from "../http/security-headers.ts";
export { log } from "../observability/logger.ts";
export { metricsEndpoint } from "../observability/metrics.ts";
export { serviceApiConfigFrom, serviceApiEnvSchema } from "../rest/config.ts";
export { restDependenciesFrom } from "../rest/dependencies.ts";
export type { RestDependencies } from "../rest/handler.ts";
export {
  fetchRequestOf,
  nodeHeaders,
  respondWithRest,
  serveRestOnNode,
  setHeaders,
  writeFetchResponse,
} from "../rest/node-server.ts";
export { openApiDocument } from "../rest/openapi.ts";
export { runAutoTopups } from "../service/billing/auto-topup/round.ts";
export { webhookConfigFrom, webhookEnvSchema } from "../service/webhooks/config.ts";
export { startWebhookWorker, type WebhookWorker } from "../service/webhooks/worker.ts";
