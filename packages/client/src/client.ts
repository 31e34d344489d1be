// createCreditsClient: the credits service's REST API as typed methods, over openapi-fetch and the
// types generated from the OpenAPI document. Every method returns the 200 body or throws a
// CreditsApiError; every mutation carries an idempotency key; 429, 503 and network errors retry.
import createClient from "openapi-fetch";
import { creditsApiErrorOf } from "./errors.ts";
import type { paths } from "./generated/schema.d.ts";
import { defaultRetryPolicy, type RetryPolicy, retryingFetch } from "./retry.ts";

export interface CreditsClientOptions {
  /** Where the service runs, e.g. `http://localhost:3002`. */
  baseUrl: string;
  /** A service token (scopes `read`, `write`). */
  token: string;
  /** Another fetch (a test double, one with a proxy agent); the global fetch otherwise. */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries after the first attempt for 429, 503 and network errors (3; 0 turns them off). */
  retries?: number;
  /** Backoff bounds in milliseconds (first wait 250, none longer than 10,000). */
  retryDelay?: { baseMs?: number; maxMs?: number };
}

/** A user: this platform's UUID or your own id for them (`42`, `"user_abc123"`). */
export type UserId = string | number;

/** Per-call options of a mutation. */
export interface MutationOptions {
  /** Your own key for this operation (8-200 characters); one is generated per call otherwise. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

type GetPath = { [P in keyof paths]: paths[P]["get"] extends object ? P : never }[keyof paths];
type PostPath = { [P in keyof paths]: paths[P]["post"] extends object ? P : never }[keyof paths];
type Operation<P extends keyof paths, M extends "get" | "post"> = NonNullable<paths[P][M]>;

/** The body a path and method answer with 200. */
export type ResponseOf<P extends keyof paths, M extends "get" | "post"> =
  Operation<P, M> extends { responses: { 200: { content: { "application/json": infer T } } } }
    ? T
    : never;
/** The JSON body a POST path takes. */
export type BodyOf<P extends PostPath> =
  Operation<P, "post"> extends { requestBody: { content: { "application/json": infer T } } }
    ? T
    : never;
/** The query a GET path takes. */
export type QueryOf<P extends GetPath> =
  Operation<P, "get"> extends { parameters: { query?: infer Q } } ? Q : never;

/** openapi-fetch's request, for the paths' shared shape; the typed wrappers below narrow it. */
type UntypedRequest = (
  method: "GET" | "POST",
  path: string,
  init: {
    params: { path: Record<string, string>; query?: unknown; header?: Record<string, string> };
    body?: unknown;
    signal?: AbortSignal;
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export function createCreditsClient(options: CreditsClientOptions) {
  const policy: RetryPolicy = {
    retries: options.retries ?? defaultRetryPolicy.retries,
    baseDelayMs: options.retryDelay?.baseMs ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: options.retryDelay?.maxMs ?? defaultRetryPolicy.maxDelayMs,
  };
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${options.token}` },
    fetch: retryingFetch(options.fetch ?? ((request) => fetch(request)), policy),
  });
  const request = api.request as unknown as UntypedRequest;

  async function send(...args: Parameters<UntypedRequest>): Promise<unknown> {
    const { data, error, response } = await request(...args);
    if (!response.ok) throw creditsApiErrorOf(response, error);
    return data;
  }

  function idsOf(ids: Record<string, UserId>): Record<string, string> {
    return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, String(id)]));
  }

  /** A typed GET of any path of the API. */
  function get<P extends GetPath>(
    path: P,
    ids: Record<string, UserId>,
    query?: QueryOf<P>,
    call: ReadOptions = {},
  ): Promise<ResponseOf<P, "get">> {
    return send("GET", path, {
      params: { path: idsOf(ids), query },
      signal: call.signal,
    }) as Promise<ResponseOf<P, "get">>;
  }

  /** A typed POST of any path of the API, with its idempotency key. */
  function post<P extends PostPath>(
    path: P,
    ids: Record<string, UserId>,
    body: BodyOf<P>,
    call: MutationOptions = {},
  ): Promise<ResponseOf<P, "post">> {
    return send("POST", path, {
      params: {
        path: idsOf(ids),
        header: call.idempotencyKey ? { "Idempotency-Key": call.idempotencyKey } : undefined,
      },
      body,
      signal: call.signal,
    }) as Promise<ResponseOf<P, "post">>;
  }

  return {
    get,
    post,
    /** The underlying openapi-fetch client (same token, keys and retries; errors not thrown). */
    api,
    balance: (userId: UserId, query?: QueryOf<"/api/credits/{userId}/balance">) =>
      get("/api/credits/{userId}/balance", { userId }, query),
    add: (userId: UserId, body: BodyOf<"/api/credits/{userId}/add">, call?: MutationOptions) =>
      post("/api/credits/{userId}/add", { userId }, body, call),
    deduct: (
      userId: UserId,
      body: BodyOf<"/api/credits/{userId}/deduct">,
      call?: MutationOptions,
    ) => post("/api/credits/{userId}/deduct", { userId }, body, call),
    history: (userId: UserId, query?: QueryOf<"/api/credits/{userId}/history">) =>
      get("/api/credits/{userId}/history", { userId }, query),
    transfer: (
      userId: UserId,
      body: BodyOf<"/api/credits/{userId}/transfer">,
      call?: MutationOptions,
    ) => post("/api/credits/{userId}/transfer", { userId }, body, call),
    threshold: {
      get: (userId: UserId, query?: QueryOf<"/api/credits/{userId}/threshold">) =>
        get("/api/credits/{userId}/threshold", { userId }, query),
      set: (userId: UserId, body: BodyOf<"/api/credits/{userId}/threshold">) =>
        post("/api/credits/{userId}/threshold", { userId }, body),
    },
    purchases: {
      create: (
        userId: UserId,
        body: BodyOf<"/api/credits/{userId}/purchases">,
        call?: MutationOptions,
      ) => post("/api/credits/{userId}/purchases", { userId }, body, call),
      list: (userId: UserId, query?: QueryOf<"/api/credits/{userId}/purchases">) =>
        get("/api/credits/{userId}/purchases", { userId }, query),
    },
    holds: {
      create: (
        userId: UserId,
        body: BodyOf<"/api/credits/{userId}/holds">,
        call?: MutationOptions,
      ) => post("/api/credits/{userId}/holds", { userId }, body, call),
      capture: (
        holdId: string,
        body: BodyOf<"/api/credits/holds/{holdId}/capture">,
        call?: MutationOptions,
      ) => post("/api/credits/holds/{holdId}/capture", { holdId }, body, call),
      release: (
        holdId: string,
        body: BodyOf<"/api/credits/holds/{holdId}/release"> = {},
        call?: MutationOptions,
      ) => post("/api/credits/holds/{holdId}/release", { holdId }, body, call),
    },
    subscriptions: {
      get: (userId: UserId) => get("/api/subscriptions/{userId}", { userId }),
      upgrade: (
        userId: UserId,
        body: BodyOf<"/api/subscriptions/{userId}/upgrade">,
        call?: MutationOptions,
      ) => post("/api/subscriptions/{userId}/upgrade", { userId }, body, call),
      cancel: (
        userId: UserId,
        body: BodyOf<"/api/subscriptions/{userId}/cancel"> = {},
        call?: MutationOptions,
      ) => post("/api/subscriptions/{userId}/cancel", { userId }, body, call),
      quotas: (userId: UserId) => get("/api/subscriptions/{userId}/quotas", { userId }),
    },
    usage: {
      track: (userId: UserId, body: BodyOf<"/api/usage/{userId}/track">, call?: MutationOptions) =>
        post("/api/usage/{userId}/track", { userId }, body, call),
      check: (userId: UserId, query: QueryOf<"/api/usage/{userId}/check">) =>
        get("/api/usage/{userId}/check", { userId }, query),
    },
  };
}

export type CreditsClient = ReturnType<typeof createCreditsClient>;
