// Retries with one idempotency key per logical call: a mutation gets its key before the first
// attempt and every retry re-sends that key, so the service applies it once however many
// attempts reach it. 429 and 503 are retried after Retry-After (or exponential backoff with
// jitter); so are network errors, which are safe for reads by nature and for mutations by the key.
import { CreditsNetworkError } from "./errors.ts";

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retrying off). */
  retries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  /** No wait is longer: a Retry-After beyond it ends the call with the 429/503 instead. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

const retryableStatuses = new Set([429, 503]);

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt + 1`: exponential backoff with "equal jitter" (half fixed,
 * half random, so concurrent callers spread out yet never hammer), at least what Retry-After asks.
 * Undefined when the service asks for longer than the policy allows.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterHeader: string | null,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const backoff = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const asked = retryAfterMs(retryAfterHeader);
  if (asked === undefined) return backoff;
  if (asked > policy.maxDelayMs) return undefined;
  return Math.max(asked, backoff);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
  });
}

const mutationMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A caller's own key, or one made for this logical call. */
function withIdempotencyKey(request: Request): Request {
  if (!mutationMethods.has(request.method) || request.headers.has("Idempotency-Key"))
    return request;
  const headers = new Headers(request.headers);
  headers.set("Idempotency-Key", crypto.randomUUID());
  return new Request(request, { headers });
}

/** A fetch that keys mutations and retries what is safe to retry, as the policy bounds it. */
export function retryingFetch(
  fetchImpl: (request: Request) => Promise<Response>,
  policy: RetryPolicy,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const keyed = withIdempotencyKey(request);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        // Each attempt sends a copy: a body can be read only once.
        response = await fetchImpl(keyed.clone());
      } catch (error) {
        if (keyed.signal.aborted) throw error;
        if (attempt >= policy.retries) throw new CreditsNetworkError(attempt + 1, error);
        await sleep(retryDelayMs(attempt, null, policy) ?? policy.maxDelayMs, keyed.signal);
        continue;
      }
      if (!retryableStatuses.has(response.status) || attempt >= policy.retries) return response;
      const delay = retryDelayMs(attempt, response.headers.get("Retry-After"), policy);
      if (delay === undefined) return response;
      await response.body?.cancel();
      await sleep(delay, keyed.signal);
    }
  };
}
