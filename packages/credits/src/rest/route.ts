// What a REST route is: its path, scope and schemas (which also make the OpenAPI document) and the
// service call it makes. `defineRoute` keeps a route's handler typed by its own schemas and gives
// the handler one shape for every route; `matchRoute` finds the route of a request.
import type { Database } from "@credits/db";
import type { z } from "zod";
import type { TokenScope } from "../service/tokens.ts";
import { type Actor, withRecordedBy } from "../service/types.ts";
import type { BillingConfig } from "../stripe/config.ts";
import { parseRequestPart, RestError } from "./rest-error.ts";

/** What every route's service call gets besides its validated inputs. */
export interface CallContext {
  db: Database;
  billing: BillingConfig;
  actor: Actor;
  origin: string;
  /** The Idempotency-Key header, or one generated for a POST without it. */
  idempotencyKey: string;
}

/** The call's actor with who the backend says recorded it (a body's `created_by`), if it did. */
export function recordedBy(actor: Actor, body: { created_by?: string }): Actor {
  return withRecordedBy(actor, body.created_by);
}

export interface RouteContext<P, Q, B> extends CallContext {
  params: P;
  query: Q;
  body: B;
}

interface RouteMetadata {
  method: "GET" | "POST";
  /** With `{name}` placeholders, as in OpenAPI. */
  path: string;
  scope: TokenScope;
  summary: string;
  tag: "Customers" | "Credits" | "Holds" | "Subscriptions" | "Usage" | "Webhooks";
  response: z.ZodType;
  /** Error statuses this route can answer besides 400, 401, 403, 429 (documented). */
  errors: number[];
  /**
   * "service": the key goes to the service, whose transaction stores the result (ledger writes);
   * "rest": the REST layer stores the response (changes made through Stripe).
   */
  idempotency?: "service" | "rest";
}

export interface RouteDefinition<P, Q, B> extends RouteMetadata {
  params: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The user the request is about, for the per-user rate limit. */
  userOf?: (params: P) => string;
  handle(context: RouteContext<P, Q, B>): Promise<unknown>;
}

/** The raw parts of a request, before the route's schemas have read them. */
export interface RawRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  /** Reads the body (POST only); called after the path and query were found valid. */
  readBody(): Promise<unknown>;
}

/** A request the route's schemas accepted, ready to run. */
export interface AcceptedRequest {
  /** The validated body, for the fingerprint of a REST-stored idempotent response. */
  body: unknown;
  userId: string | undefined;
  run(context: CallContext): Promise<unknown>;
}

export interface Route extends RouteMetadata {
  params: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Validates the request with the route's schemas (a 400 naming the part and its fields). */
  accept(request: RawRequest): Promise<AcceptedRequest>;
}

export function defineRoute<P, Q = undefined, B = undefined>(
  definition: RouteDefinition<P, Q, B>,
): Route {
  const { handle, userOf, ...metadata } = definition;
  return {
    ...metadata,
    async accept(request) {
      const params = parseRequestPart(definition.params, request.params, "path");
      const query = definition.query
        ? parseRequestPart(definition.query, request.query, "query")
        : (undefined as Q);
      const body = definition.body
        ? parseRequestPart(definition.body, await request.readBody(), "body")
        : (undefined as B);
      return {
        body,
        userId: userOf?.(params),
        run: (context) => handle({ ...context, params, query, body }),
      };
    },
  };
}

/** The `{name}` placeholders of a template matched against a path, or null when it does not fit. */
function matchTemplate(template: string, pathname: string): Record<string, string> | null {
  const parts = template.split("/");
  const segments = pathname.replace(/\/+$/, "").split("/");
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? "";
    if (!part.startsWith("{")) {
      if (part !== segment) return null;
      continue;
    }
    if (segment.length === 0) return null;
    try {
      params[part.slice(1, -1)] = decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  return params;
}

/** The template of the route a path belongs to, whatever its method (for metrics), or null. */
export function templateOf(routes: readonly Route[], pathname: string): string | null {
  return routes.find((candidate) => matchTemplate(candidate.path, pathname))?.path ?? null;
}

/** Finds the route of a request; a known path with another method is a 405. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } {
  const allowed: string[] = [];
  for (const candidate of routes) {
    const params = matchTemplate(candidate.path, pathname);
    if (!params) continue;
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
