// GET /metrics — Prometheus metrics of this process (requests, ledger operations, webhooks, pool).
import { metricsResponse } from "@credits/credits/next/rest";

export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return metricsResponse();
}
