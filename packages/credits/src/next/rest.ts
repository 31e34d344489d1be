import "server-only";

import { createMemoryRateLimiter, createRedisRateLimiter } from "@credits/auth";
import { getDb } from "@credits/db";
import { metricsEndpoint } from "../observability/metrics.ts";
import { type ServiceApiConfig, serviceApiConfigFrom } from "../rest/config.ts";
import { handleRestRequest, type RestDependencies } from "../rest/handler.ts";
import { openApiDocument } from "../rest/openapi.ts";
import { getBillingConfig } from "../stripe/config.ts";

const processWide = globalThis as unknown as { __creditsRest?: RestDependencies };

/** The process's REST dependencies, made on first use (rate limits in Redis when REDIS_URL is set). */
function restDependencies(): RestDependencies {
  if (!processWide.__creditsRest) {
    const config: ServiceApiConfig = serviceApiConfigFrom(process.env);
    processWide.__creditsRest = {
      db: getDb(),
      billing: getBillingConfig(),
      config,
      limiter: config.redisUrl
        ? createRedisRateLimiter(config.redisUrl)
        : createMemoryRateLimiter(),
    };
  }
  return processWide.__creditsRest;
}

/** The handler the REST route files export for every method. */
export function restRouteHandler(request: Request): Promise<Response> {
  return handleRestRequest(request, restDependencies());
}

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
