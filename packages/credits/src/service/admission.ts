// What both transports of the service API (REST and gRPC) check before a call runs, in the same
// way: the bearer token in the authorization header or metadata, and the per-minute limits.
import type { RateLimiter } from "@credits/auth";
import { log } from "../observability/logger.ts";

/** The token of an `Authorization: Bearer <token>` value, or null when there is none. */
export function bearerTokenOf(header: string | null): string | null {
  return /^Bearer ([\x21-\x7e]{1,300})$/.exec(header ?? "")?.[1] ?? null;
}

/**
 * Counts one call against `key` in its minute; the milliseconds until it may be made again when
 * it is over `limit`, null when it is allowed. A counter store that fails allows the call: limits
 * protect the service, they must not take it down with them.
 */
export async function overLimit(
  limiter: RateLimiter,
  key: string,
  limit: number,
): Promise<number | null> {
  try {
    const result = await limiter.hit(key, limit, 60_000);
    return result.allowed ? null : result.resetMs;
  } catch {
    log("warn", "rate limiter unavailable; request allowed", { key: key.split(":")[0] });
    return null;
  }
}
