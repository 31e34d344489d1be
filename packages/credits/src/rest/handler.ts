// Serving the REST API: match the route, authenticate the bearer token, check its scope and the
// rate limits, validate path, query and body, run the route once per idempotency key, and answer in
// one JSON shape. Every request gets a request id (in the logs and the `x-request-id` header), a
// count and a latency in the metrics (http/observe.ts).
// It reads a request and writes an answer of its own small shapes rather than the Fetch API's:
// building a `Request`, its body stream and a `Response` for every call cost about a tenth of the
// service's CPU per spend (bench profiles), and Node's request maps onto them directly
// (node-server.ts). `handleRestRequest` serves Fetch-API callers with the same code.
import { randomUUID } from "node:crypto";
import type { RateLimiter } from "@credits/auth";
import type { Database } from "@credits/db";
import { readTextWithin } from "../http/body.ts";
import { type AnswerShape, failureOf, observeServing } from "../http/observe.ts";
import { logFailure } from "../observability/failures.ts";
import { bearerTokenOf, overLimit } from "../service/admission.ts";
import { runOnceForKey } from "../service/idempotency.ts";
import { type VerifiedToken, verifyServiceToken } from "../service/tokens.ts";
import type { BillingConfig } from "../stripe/config.ts";
import type { ServiceApiConfig } from "./config.ts";
import { RestError, restErrorOf } from "./rest-error.ts";
import { matchRoute, templateOf } from "./route.ts";
import { routes } from "./routes/index.ts";

export interface RestDependencies {
  db: Database;
  billing: BillingConfig;
  config: ServiceApiConfig;
  limiter: RateLimiter;
}

/** A request as the handler reads it: Node's (node-server.ts) or the Fetch API's. */
export interface RestRequest {
  method: string;
  url: URL;
  headers: { get(name: string): string | null };
  /** The body as UTF-8 text, or null when it is larger than `maxBytes` (the rest is dropped). */
  readText(maxBytes: number): Promise<string | null>;
}

/** The handler's answer: always JSON. */
export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Bodies larger than this are refused without being read to the end (see http/body.ts). */
const maxBodyBytes = 64 * 1024;

function json(status: number, body: unknown, headers: Record<string, string> = {}): RestAnswer {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

const answerShape: AnswerShape<RestAnswer> = {
  failure: (error) => {
    const { status, body, headers } = failureOf(error);
    return json(status, body, headers);
  },
  withRequestId: (answer, requestId) => ({
    ...answer,
    headers: { ...answer.headers, "x-request-id": requestId },
  }),
};

async function authenticate(request: RestRequest, deps: RestDependencies): Promise<VerifiedToken> {
  const bearer = bearerTokenOf(request.headers.get("authorization"));
  if (!bearer) {
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
  const token = await verifyServiceToken(deps.db, bearer, deps.config.bootstrapToken);
  if (!token) {
    throw new RestError(401, "unauthorized", "This token is not valid or was revoked.", undefined, {
      "www-authenticate": 'Bearer error="invalid_token"',
    });
  }
  return token;
}

async function rateLimit(deps: RestDependencies, key: string, limit: number, what: string) {
  const resetMs = await overLimit(deps.limiter, key, limit);
  if (resetMs !== null) {
    throw new RestError(
      429,
      "rate_limited",
      `Too many requests for this ${what}; at most ${limit} a minute. Retry after the time in Retry-After.`,
      { limit, retry_after_seconds: Math.ceil(resetMs / 1000) },
      { "retry-after": String(Math.max(1, Math.ceil(resetMs / 1000))) },
    );
  }
}

async function readBody(request: RestRequest): Promise<unknown> {
  // Reading fails only when the client cut its body off: it will not read this answer either.
  const text = await request.readText(maxBodyBytes).catch(() => {
    throw new RestError(400, "invalid_request", "The body ended before it was complete.");
  });
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

const idempotencyKeyPattern = /^[\x21-\x7e]{8,200}$/;

async function serve(
  request: RestRequest,
  deps: RestDependencies,
  url: URL,
): Promise<{ status: number; body: unknown; route: string }> {
  const { route, params } = matchRoute(routes, request.method, url.pathname);
  const token = await authenticate(request, deps);
  if (!token.scopes.includes(route.scope)) {
    throw new RestError(403, "forbidden", `This token lacks the "${route.scope}" scope.`);
  }
  await rateLimit(deps, `token:${token.id}`, deps.config.limits.tokenPerMinute, "token");
  const accepted = await route.accept({
    params,
    query: Object.fromEntries(url.searchParams),
    readBody: () => readBody(request),
  });
  if (accepted.userId !== undefined) {
    await rateLimit(deps, `user:${accepted.userId}`, deps.config.limits.userPerMinute, "user");
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
    idempotencyKey,
  };
  const result =
    route.idempotency === "rest"
      ? await runOnceForKey(
          deps.db,
          {
            scope: `REST:${token.id}`,
            key: idempotencyKey,
            operation: `${route.method} ${url.pathname}`,
            request: accepted.body,
          },
          () => accepted.run(context),
        )
      : await accepted.run(context);
  return { status: 200, body: result, route: route.path };
}

/** The answer to a request whose Host header and target make no URL (node-server.ts finds it). */
export function invalidTargetAnswer(): RestAnswer {
  return json(400, {
    error: {
      code: "invalid_request",
      message: "The request's Host header or target is not a valid URL.",
    },
  });
}

/** Answers one REST request (Node's reach it through node-server.ts). */
export function answerRestRequest(
  request: RestRequest,
  deps: RestDependencies,
): Promise<RestAnswer> {
  return observeServing(request, "unmatched", answerShape, async (observed) => {
    const url = request.url;
    try {
      const result = await serve(request, deps, url);
      observed.route = result.route;
      return json(result.status, result.body);
    } catch (caught) {
      const error = restErrorOf(caught);
      // A known path under another method (405) still counts under its template.
      observed.route = templateOf(routes, url.pathname) ?? "unmatched";
      if (error.status >= 500) logFailure(caught, { route: observed.route });
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

/** `answerRestRequest` for a Fetch-API request. */
export async function handleRestRequest(
  request: Request,
  deps: RestDependencies,
): Promise<Response> {
  const answer = await answerRestRequest(
    {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      readText: (maxBytes) => readTextWithin(request, maxBytes),
    },
    deps,
  );
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
