import "server-only";

import { metricsEndpoint } from "../observability/metrics.ts";
import { openApiDocument } from "../rest/openapi.ts";
import { restDependencies } from "./rest-api-route.ts";

/** `GET /metrics`: Prometheus text (behind METRICS_TOKEN when it is set). */
export function metricsResponse(request: Request): Promise<Response> {
  const { db, config } = restDependencies();
  return metricsEndpoint(request, db, config.metricsToken);
}

/** `GET /api/openapi.json`. */
export function openApiResponse(): Response {
  return Response.json(openApiDocument(), {
    headers: { "cache-control": "no-store" },
  });
}
