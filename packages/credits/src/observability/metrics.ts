// Prometheus metrics of the process, served at GET /metrics. Counters live in this process: with
// several instances each reports its own and Prometheus sums them.
import { type Database, poolStats } from "@credits/db";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { matchesSecret } from "../crypto.ts";

interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  trpcCalls: Counter<"procedure" | "type" | "code">;
  trpcDuration: Histogram<"procedure" | "type">;
  grpcCalls: Counter<"method" | "code">;
  grpcDuration: Histogram<"method">;
  ledgerOperations: Counter<"operation" | "outcome">;
  spendBatchSize: Histogram;
  spendBatchRetries: Counter;
  webhookEvents: Counter<"type" | "status">;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "credits_http_requests_total",
      help: "HTTP requests (REST API, Stripe webhook, tRPC), by method, route template and status.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "credits_http_request_duration_seconds",
      help: "Time to answer HTTP requests (REST API, Stripe webhook, tRPC), by method and route template.",
      labelNames: ["method", "route"],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    // tRPC batches calls into one HTTP request, so each procedure is also counted on its own.
    trpcCalls: new Counter({
      name: "credits_trpc_calls_total",
      help: "tRPC procedure calls by procedure (e.g. credits.balance), type and result code (OK or the error's code).",
      labelNames: ["procedure", "type", "code"],
      registers: [registry],
    }),
    trpcDuration: new Histogram({
      name: "credits_trpc_call_duration_seconds",
      help: "Time tRPC procedures take, by procedure and type.",
      labelNames: ["procedure", "type"],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    grpcCalls: new Counter({
      name: "credits_grpc_calls_total",
      help: "gRPC CreditService calls by method (e.g. UseCredits) and status code (OK or its name).",
      labelNames: ["method", "code"],
      registers: [registry],
    }),
    grpcDuration: new Histogram({
      name: "credits_grpc_call_duration_seconds",
      help: "Time gRPC CreditService calls take to answer (streams: to their end), by method.",
      labelNames: ["method"],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    ledgerOperations: new Counter({
      name: "credits_ledger_operations_total",
      help: "Ledger mutations by operation (e.g. credits.spend) and outcome (ok, replayed, refused, failed).",
      labelNames: ["operation", "outcome"],
      registers: [registry],
    }),
    spendBatchSize: new Histogram({
      name: "credits_spend_batch_size",
      help: "Spends per database call under group commit (1: the process was idle).",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    spendBatchRetries: new Counter({
      name: "credits_spend_batch_retries_total",
      help: "Batches of spends the database rejected as a whole, whose spends then ran one by one.",
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: "credits_stripe_webhook_events_total",
      help: "Stripe webhook events by type and status (PROCESSED, IGNORED, FAILED, DUPLICATE, REJECTED).",
      labelNames: ["type", "status"],
      registers: [registry],
    }),
  };
}

const processWide = globalThis as unknown as { __creditsMetrics?: Metrics };

/** The process's metrics (kept on globalThis so Next.js hot reloads do not register twice). */
export function metrics(): Metrics {
  processWide.__creditsMetrics ??= createMetrics();
  return processWide.__creditsMetrics;
}

/** The Prometheus text exposition, with the database pool's use sampled now. */
export async function renderMetrics(db: Database): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  const stats = poolStats(db);
  const gauge = (name: string, help: string, value: number) => {
    const existing = registry.getSingleMetric(name) as Gauge | undefined;
    const metric = existing ?? new Gauge({ name, help, registers: [registry] });
    metric.set(value);
  };
  if (stats) {
    gauge("credits_db_pool_connections", "Database connections open (busy or idle).", stats.total);
    gauge("credits_db_pool_idle_connections", "Database connections idle in the pool.", stats.idle);
    gauge(
      "credits_db_pool_waiting_queries",
      "Queries waiting for a free connection.",
      stats.waiting,
    );
    gauge("credits_db_pool_max_connections", "The pool's connection limit.", stats.max);
  }
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * `GET /metrics`: the exposition, to anyone when `metricsToken` is unset (restrict it at the
 * proxy then), else only to `Authorization: Bearer <metricsToken>`.
 */
export async function metricsEndpoint(
  request: Request,
  db: Database,
  metricsToken: string | undefined,
): Promise<Response> {
  const headers = { "cache-control": "no-store" };
  if (metricsToken) {
    const given = /^Bearer (\S{1,300})$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!given || !matchesSecret(given, metricsToken)) {
      return Response.json(
        {
          error: {
            code: "unauthorized",
            message: "Send the metrics token: `Authorization: Bearer <METRICS_TOKEN>`.",
          },
        },
        { status: 401, headers: { ...headers, "www-authenticate": "Bearer" } },
      );
    }
  }
  const { body, contentType } = await renderMetrics(db);
  return new Response(body, { headers: { ...headers, "content-type": contentType } });
}
