// Domain errors: thrown by the service layer, answered by every transport from one table. Messages
// are written for the person who sees them; `details` are the machine-readable facts (snake_case,
// as the REST API sends them).
import {
  EmailTakenError,
  PasswordChangeError,
  SignInLinkError,
  SignInLinkRefusedError,
  TooManySignInAttemptsError,
} from "@credits/auth";
import { databaseUnavailableReason } from "@credits/db";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { GrpcStatusName } from "./grpc/status.ts";

/**
 * How each kind of domain error is answered: its tRPC code, its HTTP status and its gRPC status code
 * (its name in the gRPC spec). The kind is the REST API's error code. Written once, here; the
 * transports only look it up.
 */
export const domainErrorAnswers = {
  insufficient_credits: { trpc: "PAYMENT_REQUIRED", http: 402, grpc: "FAILED_PRECONDITION" },
  not_found: { trpc: "NOT_FOUND", http: 404, grpc: "NOT_FOUND" },
  invalid_request: { trpc: "BAD_REQUEST", http: 400, grpc: "INVALID_ARGUMENT" },
  idempotency_conflict: { trpc: "CONFLICT", http: 409, grpc: "ALREADY_EXISTS" },
  request_in_progress: { trpc: "CONFLICT", http: 409, grpc: "ABORTED" },
  conflict: { trpc: "CONFLICT", http: 409, grpc: "FAILED_PRECONDITION" },
  email_taken: { trpc: "CONFLICT", http: 409, grpc: "ALREADY_EXISTS" },
  quota_exceeded: { trpc: "TOO_MANY_REQUESTS", http: 429, grpc: "RESOURCE_EXHAUSTED" },
  too_many_attempts: { trpc: "TOO_MANY_REQUESTS", http: 429, grpc: "RESOURCE_EXHAUSTED" },
  payments_not_configured: { trpc: "PRECONDITION_FAILED", http: 412, grpc: "FAILED_PRECONDITION" },
  service_unavailable: { trpc: "SERVICE_UNAVAILABLE", http: 503, grpc: "UNAVAILABLE" },
} as const satisfies Record<
  string,
  { trpc: TRPC_ERROR_CODE_KEY; http: number; grpc: GrpcStatusName }
>;

export type DomainErrorKind = keyof typeof domainErrorAnswers;

export abstract class CreditsError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Facts a client can act on (e.g. the available balance), sent with the message. */
  get details(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Response headers that go with the answer (e.g. Retry-After). */
  get headers(): Record<string, string> | undefined {
    return undefined;
  }

  /** The tRPC code (also what callers of the service functions match on). */
  get code(): TRPC_ERROR_CODE_KEY {
    return domainErrorAnswers[this.kind].trpc;
  }

  get httpStatus(): number {
    return domainErrorAnswers[this.kind].http;
  }
}

/** The account cannot pay: `available` says how much it could. */
export class InsufficientCreditsError extends CreditsError {
  readonly kind = "insufficient_credits";
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super(`Not enough credits: ${required} needed, ${available} available.`);
  }

  override get details(): Record<string, unknown> | undefined {
    return { required: this.required, available: this.available };
  }
}

export class NotFoundError extends CreditsError {
  readonly kind = "not_found";
  constructor(
    readonly entity:
      | "user"
      | "app"
      | "purchase"
      | "hold"
      | "subscription"
      | "stripe event"
      | "token"
      | "webhook endpoint"
      | "webhook delivery",
    readonly id: string,
  ) {
    super(`No ${entity} ${JSON.stringify(id)} exists.`);
  }
}

/** Input that is well-formed but not allowed (e.g. a transfer to oneself), with the field to blame. */
export class InvalidRequestError extends CreditsError {
  readonly kind = "invalid_request";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  override get details(): Record<string, unknown> | undefined {
    return this.field ? { fields: { [this.field]: [this.message] } } : undefined;
  }
}

/** The idempotency key was used before for a different request. */
export class IdempotencyConflictError extends CreditsError {
  readonly kind = "idempotency_conflict";
  constructor(readonly key: string) {
    super(
      `The idempotency key ${JSON.stringify(key)} was already used for a different request; use a new key for a new operation.`,
    );
  }
}

/** A request under the same idempotency key has not finished yet. */
export class RequestInProgressError extends CreditsError {
  readonly kind = "request_in_progress";
  constructor() {
    super("A request with this idempotency key is still running; retry shortly.");
  }
}

/** The state of the object forbids the operation (e.g. capturing a released hold). */
export class StateConflictError extends CreditsError {
  readonly kind = "conflict";
}

/** Sign-up with an email that already has an account. */
export class EmailInUseError extends CreditsError {
  readonly kind = "email_taken";
}

/** The feature's quota for this period is used up (or would be by this request). */
export class QuotaExceededError extends CreditsError {
  readonly kind = "quota_exceeded";
  constructor(
    readonly feature: string,
    readonly used: number,
    readonly limit: number,
    readonly resetsAt: Date,
  ) {
    super(
      `You have used ${used} of the ${limit} ${feature.replaceAll("_", " ")} your plan includes this period; it resets on ${resetsAt.toISOString().slice(0, 10)}. Upgrade your plan for more.`,
    );
  }

  override get details(): Record<string, unknown> | undefined {
    return {
      feature: this.feature,
      used: this.used,
      limit: this.limit,
      resets_at: this.resetsAt.toISOString(),
    };
  }

  override get headers(): Record<string, string> {
    const seconds = Math.ceil((this.resetsAt.getTime() - Date.now()) / 1000);
    return { "retry-after": String(Math.max(1, seconds)) };
  }
}

/** Too many wrong passwords for the account lately (the sign-in throttle's lockout). */
export class TooManyAttemptsError extends CreditsError {
  readonly kind = "too_many_attempts";
  constructor(readonly retryAfterMs: number) {
    super(`Too many wrong passwords. Try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s).`);
  }

  override get headers(): Record<string, string> {
    return { "retry-after": String(Math.max(1, Math.ceil(this.retryAfterMs / 1000))) };
  }
}

/** Payments need Stripe keys this deployment does not have. */
export class BillingNotConfiguredError extends CreditsError {
  readonly kind = "payments_not_configured";
  constructor() {
    super("Payments are not configured on this server, so plans cannot be bought here yet.");
  }
}

/** Seconds a caller should wait before retrying while the database cannot be reached. */
export const unavailableRetryAfterSeconds = 2;

/**
 * The database cannot be reached (refused, lost or timed out): nothing was done, and the same
 * request (with the same idempotency key) can be sent again. `reason` is the code it failed with,
 * for the log.
 */
export class ServiceUnavailableError extends CreditsError {
  readonly kind = "service_unavailable";
  constructor(readonly reason: string) {
    super(
      `The service cannot reach its database right now; retry in ${unavailableRetryAfterSeconds} seconds.`,
    );
  }

  override get headers(): Record<string, string> {
    return { "retry-after": String(unavailableRetryAfterSeconds) };
  }
}

/**
 * A state the code rules out happened (a statement that always returns a row returned none): a
 * bug, answered as an internal error, never as something the client did.
 */
export class InvariantError extends Error {}

/** The domain error an error is answered as, also for other packages' refusals; null for a fault. */
export function asDomainError(error: unknown): CreditsError | null {
  if (error instanceof CreditsError) return error;
  // @credits/auth cannot depend on this package; its refusals are answered like ours.
  if (error instanceof EmailTakenError) return new EmailInUseError(error.message);
  if (error instanceof PasswordChangeError)
    return new InvalidRequestError(error.message, error.field);
  if (error instanceof SignInLinkError) return new InvalidRequestError(error.message, error.field);
  if (error instanceof SignInLinkRefusedError) return new StateConflictError(error.message);
  if (error instanceof TooManySignInAttemptsError)
    return new TooManyAttemptsError(error.retryAfterMs);
  const unavailable = databaseUnavailableReason(error);
  if (unavailable) return new ServiceUnavailableError(unavailable);
  return null;
}
