// Load generation: autocannon for HTTP, and a loop of the same shape for work issued straight to
// Postgres; both report ops/s, latency percentiles and errors the same way.
import autocannon from "autocannon";

export interface LoadResult {
  opsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** Requests answered with an unexpected status, or that failed. */
  errors: number;
  total: number;
  /** How many answers each HTTP status had (HTTP loads only). */
  statuses: Record<number, number>;
}

export interface HttpRequestSpec {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends requests made by `next` from `connections` concurrent clients for `seconds` (or `amount`
 * requests in all); statuses in `expected` count as success.
 */
export function httpLoad(options: {
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  next: () => HttpRequestSpec;
  expected?: number[];
}): Promise<LoadResult> {
  const expected = new Set(options.expected ?? [200]);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let unexpected = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount === undefined
          ? { duration: options.seconds ?? 10 }
          : { amount: options.amount }),
        pipelining: 1,
        timeout: 30,
        requests: [
          {
            setupRequest: (request) => {
              const spec = options.next();
              return {
                ...request,
                method: spec.method,
                path: spec.path,
                headers: { ...request.headers, ...spec.headers },
                body: spec.body,
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        latencies.sort((a, b) => a - b);
        const ok = latencies.length - unexpected;
        resolve({
          opsPerSec: Math.round(ok / (result.duration || 1)),
          p50: round(percentile(latencies, 0.5)),
          p95: round(percentile(latencies, 0.95)),
          p99: round(percentile(latencies, 0.99)),
          errors: unexpected + result.errors + result.timeouts,
          total: latencies.length,
          statuses,
        });
      },
    );
    // Per-response timings give exact percentiles (autocannon's summary has no p95).
    instance.on("response", (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!expected.has(status)) unexpected += 1;
    });
  });
}

const round = (value: number) => Math.round(value * 10) / 10;

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}

/**
 * Runs `operation` from `concurrency` workers for `seconds` (or until `until` says so); an
 * operation resolving to false is an error (e.g. refused), one that throws too.
 */
export async function loopLoad(options: {
  concurrency: number;
  seconds: number;
  until?: () => boolean;
  operation: (worker: number) => Promise<boolean>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const stopAt = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < stopAt && !options.until?.()) {
        const begin = performance.now();
        const ok = await options.operation(worker).catch(() => false);
        latencies.push(performance.now() - begin);
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    opsPerSec: Math.round((latencies.length - errors) / elapsed),
    p50: round(percentile(latencies, 0.5)),
    p95: round(percentile(latencies, 0.95)),
    p99: round(percentile(latencies, 0.99)),
    errors,
    total: latencies.length,
    statuses: {},
  };
}
