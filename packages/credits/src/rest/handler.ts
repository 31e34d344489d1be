// Serving the REST API: match the route, authenticate the bearer token, check its scope and the
// rate limits, validate path, query and body, run the route once per idempotency key, and answer in
// one JSON shape. Every request gets a request id (in the logs and the `x-request-id` header), a
// count and a latency in the metrics (http/observe.ts).
import { createHash, randomUUID } from "node:crypto";
import type { RateLimiter } from "@credits/auth";
import type { Database } from "@credits/db";
import { ZodError, z } from "zod";
import {
  CreditsError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidRequestError,
  QuotaExceededError,
} from "../errors.ts";
import { readTextWithin } from "../http/body.ts";
import { observeRequest } from "../http/observe.ts";
import { log } from "../observability/logger.ts";
import { type VerifiedToken, verifyServiceToken } from "../service/tokens.ts";
import type { BillingConfig } from "../stripe/config.ts";
import type { ServiceApiConfig } from "./config.ts";
import { type Route, routes } from "./routes.ts";

export interface RestDependencies {
  db: Database;
  billing: BillingConfig;
  config: ServiceApiConfig;
  limiter: RateLimiter;
}

/** Bodies larger than this are refused without being read to the end (see http/body.ts). */
const maxBodyBytes = 64 * 1024;

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const statusOfDomainError: Record<CreditsError["code"], number> = {
  PAYMENT_REQUIRED: 402,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PRECONDITION_FAILED: 412,
};

function restErrorOf(error: unknown): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof ZodError) {
    return new RestError(400, "invalid_request", "The request is not valid.", {
      fields: z.flattenError(error).fieldErrors,
    });
  }
  if (error instanceof InsufficientCreditsError) {
    return new RestError(402, "insufficient_credits", error.message, {
      required: error.required,
      available: error.available,
    });
  }
  if (error instanceof QuotaExceededError) {
    const retryAfter = Math.max(1, Math.ceil((error.resetsAt.getTime() - Date.now()) / 1000));
    return new RestError(
      429,
      "quota_exceeded",
      error.message,
      {
        feature: error.feature,
        used: error.used,
        limit: error.limit,
        resets_at: error.resetsAt.toISOString(),
      },
      { "retry-after": String(retryAfter) },
    );
  }
  if (error instanceof InvalidRequestError) {
    return new RestError(
      400,
      "invalid_request",
      error.message,
      error.field ? { fields: { [error.field]: [error.message] } } : undefined,
    );
  }
  if (error instanceof IdempotencyConflictError) {
    return new RestError(409, "idempotency_conflict", error.message);
  }
  if (error instanceof CreditsError) {
    const status = statusOfDomainError[error.code];
    const codes: Record<number, string> = {
      404: "not_found",
      409: "conflict",
      412: "payments_not_configured",
    };
    return new RestError(status, codes[status] ?? "invalid_request", error.message);
  }
  return new RestError(
    500,
    "internal",
    "Something went wrong on our side. Please try again in a moment.",
  );
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** Finds the route of a path; a known path with another method is a 405. */
function matchRoute(
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } {
  const segments = pathname.replace(/\/+$/, "").split("/");
  const allowed: string[] = [];
  for (const candidate of routes) {
    const template = candidate.path.split("/");
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const segment = segments[index] ?? "";
      if (part.startsWith("{")) {
        try {
          params[part.slice(1, -1)] = decodeURIComponent(segment);
        } catch {
          return false;
        }
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!matches) continue;
    // HEAD is a GET without the body (the server drops it).
    if (candidate.method === (method === "HEAD" ? "GET" : method)) {
      return { route: candidate, params };
    }
    allowed.push(candidate.method);
  }
  throw allowed.length > 0
    ? new RestError(
        405,
        "method_not_allowed",
        `${method} is not allowed here; use ${allowed.join(" or ")}.`,
        undefined,
        { allow: allowed.join(", ") },
      )
    : new RestError(404, "not_found", "There is no such endpoint. See /api/docs.");
}

async function authenticate(request: Request, deps: RestDependencies): Promise<VerifiedToken> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer ([\x21-\x7e]{1,300})$/.exec(header);
  if (!match?.[1]) {
    throw new RestError(
      401,
      "unauthorized",
      "Send a service token: `Authorization: Bearer <token>`.",
      undefined,
      {
        "www-authenticate": "Bearer",
      },
    );
  }
  const token = await verifyServiceToken(deps.db, match[1], deps.config.bootstrapToken);
  if (!token) {
    throw new RestError(401, "unauthorized", "This token is not valid or was revoked.", undefined, {
      "www-authenticate": 'Bearer error="invalid_token"',
    });
  }
  return token;
}

async function rateLimit(deps: RestDependencies, key: string, limit: number, what: string) {
  let result: Awaited<ReturnType<RateLimiter["hit"]>>;
  try {
    result = await deps.limiter.hit(key, limit, 60_000);
  } catch {
    // Limits protect the service; they must not take it down with the counter store.
    log("warn", "rate limiter unavailable; request allowed", { key: key.split(":")[0] });
    return;
  }
  if (!result.allowed) {
    throw new RestError(
      429,
      "rate_limited",
      `Too many requests for this ${what}; at most ${limit} a minute. Retry after the time in Retry-After.`,
      { limit, retry_after_seconds: Math.ceil(result.resetMs / 1000) },
      { "retry-after": String(Math.max(1, Math.ceil(result.resetMs / 1000))) },
    );
  }
}

async function readBody(request: Request): Promise<unknown> {
  const text = await readTextWithin(request, maxBodyBytes);
  if (text === null) {
    throw new RestError(
      413,
      "payload_too_large",
      `The body must be at most ${maxBodyBytes} bytes.`,
    );
  }
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type") ?? "application/json";
  if (!/^application\/json\b/i.test(type)) {
    throw new RestError(415, "unsupported_media_type", "Send the body as application/json.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RestError(400, "invalid_json", "The body is not valid JSON.");
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RestError(400, "invalid_request", `The request's ${where} is not valid.`, {
    [where]: z.flattenError(parsed.error as ZodError).fieldErrors,
    ...(where === "body" && z.flattenError(parsed.error as ZodError).formErrors.length
      ? { form: z.flattenError(parsed.error as ZodError).formErrors }
      : {}),
  });
}

const idempotencyKeyPattern = /^[\x21-\x7e]{8,200}$/;

/**
 * Runs a route whose effect goes through Stripe at most once per key, storing its response: the
 * same key and body replay it, another body under the key is a 409.
 */
async function runOnceForKey(
  deps: RestDependencies,
  scope: string,
  key: string,
  fingerprint: string,
  work: () => Promise<unknown>,
): Promise<unknown> {
  const claimed = await deps.db.$queryRaw<unknown[]>`
    INSERT INTO idempotency_keys (scope, key, operation, request_hash)
    VALUES (${scope}, ${key}, 'rest', ${fingerprint})
    ON CONFLICT (scope, key) DO UPDATE SET created_at = now()
      WHERE idempotency_keys.response IS NULL AND idempotency_keys.request_hash = ${fingerprint}
        AND idempotency_keys.created_at < now() - interval '1 minute'
    RETURNING 1`;
  if (claimed.length === 0) {
    const [first] = await deps.db.$queryRaw<{ request_hash: string; response: unknown }[]>`
      SELECT request_hash, response FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`;
    if (!first || first.request_hash !== fingerprint) throw new IdempotencyConflictError(key);
    if (first.response === null) {
      throw new RestError(
        409,
        "request_in_progress",
        "A request with this idempotency key is still running; retry shortly.",
      );
    }
    return first.response;
  }
  try {
    const response = await work();
    await deps.db.$executeRaw`
      UPDATE idempotency_keys SET response = ${JSON.stringify(response)}::jsonb
      WHERE scope = ${scope} AND key = ${key}`;
    return response;
  } catch (error) {
    await deps.db.$executeRaw`DELETE FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`;
    throw error;
  }
}

async function serve(
  request: Request,
  deps: RestDependencies,
  url: URL,
): Promise<{ status: number; body: unknown; route: string }> {
  const { route, params: rawParams } = matchRoute(request.method, url.pathname);
  const token = await authenticate(request, deps);
  if (!token.scopes.includes(route.scope)) {
    throw new RestError(403, "forbidden", `This token lacks the "${route.scope}" scope.`);
  }
  await rateLimit(deps, `token:${token.id}`, deps.config.limits.tokenPerMinute, "token");
  const params = parse(route.params, rawParams, "path");
  const query = parse(route.query, Object.fromEntries(url.searchParams), "query");
  const body =
    route.method === "POST" ? parse(route.body, await readBody(request), "body") : undefined;
  if (route.userParam) {
    const userId = (params as Record<string, string>)[route.userParam];
    await rateLimit(deps, `user:${userId}`, deps.config.limits.userPerMinute, "user");
  }
  const givenKey = request.headers.get("idempotency-key");
  if (givenKey !== null && !idempotencyKeyPattern.test(givenKey)) {
    throw new RestError(
      400,
      "invalid_request",
      "The Idempotency-Key header must be 8-200 printable ASCII characters.",
    );
  }
  const idempotencyKey = givenKey ?? randomUUID();
  const context = {
    db: deps.db,
    billing: deps.billing,
    actor: { type: "SERVICE" as const, id: token.id },
    origin: url.origin,
    params,
    query,
    body,
    idempotencyKey,
  };
  const result =
    route.idempotency === "rest"
      ? await runOnceForKey(
          deps,
          `REST:${token.id}`,
          idempotencyKey,
          createHash("sha256")
            .update(`${route.method} ${url.pathname} ${JSON.stringify(body)}`)
            .digest("hex"),
          () => route.handle(context),
        )
      : await route.handle(context);
  return { status: 200, body: result, route: route.path };
}

/** The answer to a request whose Host header and target make no URL (node-server.ts finds it). */
export function invalidTargetResponse(): Response {
  return json(400, {
    error: {
      code: "invalid_request",
      message: "The request's Host header or target is not a valid URL.",
    },
  });
}

/** Answers one REST request (Node requests reach it through node-server.ts). */
export function handleRestRequest(request: Request, deps: RestDependencies): Promise<Response> {
  return observeRequest(request, "unmatched", async (observed) => {
    const url = new URL(request.url);
    try {
      const result = await serve(request, deps, url);
      observed.route = result.route;
      return json(result.status, result.body);
    } catch (caught) {
      const error = restErrorOf(caught);
      // A known path under another method (405) still counts under its template.
      observed.route =
        routes.find((candidate) => matchesTemplate(candidate.path, url.pathname))?.path ??
        "unmatched";
      if (error.status >= 500) {
        log("error", "request failed", {
          error: caught instanceof Error ? caught.constructor.name : typeof caught,
          route: observed.route,
        });
      }
      return json(
        error.status,
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          },
        },
        error.headers,
      );
    }
  });
}

function matchesTemplate(template: string, pathname: string): boolean {
  const parts = template.split("/");
  const segments = pathname.replace(/\/+$/, "").split("/");
  return (
    parts.length === segments.length &&
    parts.every((part, index) => part.startsWith("{") || part === segments[index])
  );
}
