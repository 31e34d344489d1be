// What every gRPC call goes through before its service function runs, the same checks as the REST
// API (rest/handler.ts) on gRPC metadata: the bearer token and its scope, the token's and the user's
// rate limits (the same limiter and counters), the idempotency key; and how any failure is answered
// as a gRPC status (domain errors through the one table in errors.ts).
import { randomUUID } from "node:crypto";
import { asDomainError, domainErrorAnswers } from "../errors.ts";
import { log } from "../observability/logger.ts";
import type { RestDependencies } from "../rest/handler.ts";
import { IdempotencyKey } from "../schemas/common.ts";
import { bearerTokenOf, overLimit } from "../service/admission.ts";
import { type TokenScope, type VerifiedToken, verifyServiceToken } from "../service/tokens.ts";
import type { Actor } from "../service/types.ts";
import { GrpcStatusError } from "./status.ts";

/** What a method reads of its call besides the message: the request metadata, by name. */
export interface GrpcCall {
  /** The first value of the metadata entry `name` (lower case), or null when it was not sent. */
  metadata(name: string): string | null;
}

export interface CallContext {
  actor: Actor;
  token: VerifiedToken;
}

async function authenticate(deps: RestDependencies, call: GrpcCall): Promise<VerifiedToken> {
  const bearer = bearerTokenOf(call.metadata("authorization"));
  if (!bearer) {
    throw new GrpcStatusError(
      "Send a service token as metadata: `authorization: Bearer <token>`.",
      "UNAUTHENTICATED",
    );
  }
  const token = await verifyServiceToken(deps.db, bearer, deps.config.bootstrapToken);
  if (!token)
    throw new GrpcStatusError("This token is not valid or was revoked.", "UNAUTHENTICATED");
  return token;
}

/** Counts the call against `key`; RESOURCE_EXHAUSTED with a `retry-after` trailer when over. */
async function rateLimit(
  deps: RestDependencies,
  key: string,
  limit: number,
  what: string,
): Promise<void> {
  const resetMs = await overLimit(deps.limiter, key, limit);
  if (resetMs !== null) {
    const seconds = Math.max(1, Math.ceil(resetMs / 1000));
    throw new GrpcStatusError(
      `Too many requests for this ${what}; at most ${limit} a minute. Retry in ${seconds} s.`,
      "RESOURCE_EXHAUSTED",
      { "retry-after": String(seconds) },
    );
  }
}

/** Authenticates the call, checks the scope and the limits (the user's when the call names one). */
export async function admit(
  deps: RestDependencies,
  call: GrpcCall,
  scope: TokenScope,
  userRef?: string,
): Promise<CallContext> {
  const token = await authenticate(deps, call);
  if (!token.scopes.includes(scope)) {
    throw new GrpcStatusError(`This token lacks the "${scope}" scope.`, "PERMISSION_DENIED");
  }
  const { limits } = deps.config;
  await rateLimit(deps, `token:${token.id}`, limits.tokenPerMinute, "token");
  if (userRef !== undefined) {
    await rateLimit(deps, `user:${userRef}`, limits.userPerMinute, "user");
  }
  return { token, actor: { type: "SERVICE", id: token.id } };
}

/** The `idempotency-key` metadata of a mutation, or a fresh key when the caller sent none. */
export function idempotencyKeyOf(call: GrpcCall): string {
  const given = call.metadata("idempotency-key");
  if (given === null) return randomUUID();
  const parsed = IdempotencyKey.safeParse(given);
  if (!parsed.success) {
    throw new GrpcStatusError(
      `idempotency-key: ${parsed.error.issues[0]?.message ?? "is not valid"}`,
      "INVALID_ARGUMENT",
    );
  }
  return parsed.data;
}

/**
 * The status a failure is answered with; faults become INTERNAL with nothing of their cause. A
 * domain error's headers go along as trailers: UNAVAILABLE (no database) carries `retry-after` in
 * seconds, as REST's 503 does.
 */
export function grpcErrorOf(error: unknown, method: string): GrpcStatusError {
  if (error instanceof GrpcStatusError) return error;
  const domain = asDomainError(error);
  if (domain) {
    return new GrpcStatusError(
      domain.message,
      domainErrorAnswers[domain.kind].grpc,
      domain.headers,
    );
  }
  log("error", "grpc call failed", {
    error: error instanceof Error ? error.constructor.name : typeof error,
    method,
  });
  return new GrpcStatusError("The service failed to answer; retry later.", "INTERNAL");
}
