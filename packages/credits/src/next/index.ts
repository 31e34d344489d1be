// What the Next.js apps mount: the tRPC route handler and its request context, health answers,
// and the metrics and OpenAPI endpoints. The REST API's Pages-Router route has its own entry
// (next/rest-api-route), as Pages-Router code cannot import the server-only modules here.

export { livenessResponse, readinessResponse } from "../http/health.ts";
export { createRequestContext } from "./context.ts";
export { createTrpcRouteHandler, withSecurityHeaders } from "./handlers.ts";
export { metricsResponse, openApiResponse } from "./metrics-and-openapi.ts";
