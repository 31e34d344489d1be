// GET /metrics — Prometheus metrics of this process (requests, ledger operations, webhooks, pool);
// public unless METRICS_TOKEN is set, then only for `Authorization: Bearer <METRICS_TOKEN>`.
import { metricsResponse } from "@credits/credits/next";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return metricsResponse(request);
}
