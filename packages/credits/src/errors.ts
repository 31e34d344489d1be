/**
 * Domain errors: thrown by the service layer, mapped once to tRPC codes (trpc.ts) and, later, to
 * HTTP statuses by the REST layer. Messages are written for the person who sees them.
 */
export abstract class CreditsError extends Error {
  abstract readonly code: "PAYMENT_REQUIRED" | "NOT_FOUND" | "BAD_REQUEST" | "CONFLICT";
}

/** The account cannot pay: `available` says how much it could. */
export class InsufficientCreditsError extends CreditsError {
  readonly code = "PAYMENT_REQUIRED";
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super(`Not enough credits: ${required} needed, ${available} available.`);
  }
}

export class NotFoundError extends CreditsError {
  readonly code = "NOT_FOUND";
  constructor(
    readonly entity: "user" | "app" | "purchase" | "hold" | "account",
    readonly id: string,
  ) {
    super(`No ${entity} ${JSON.stringify(id)} exists.`);
  }
}

/** Input that is well-formed but not allowed (e.g. a transfer to oneself), with the field to blame. */
export class InvalidRequestError extends CreditsError {
  readonly code = "BAD_REQUEST";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The idempotency key was used before for a different request. */
export class IdempotencyConflictError extends CreditsError {
  readonly code = "CONFLICT";
  constructor(readonly key: string) {
    super(
      `The idempotency key ${JSON.stringify(key)} was already used for a different request; use a new key for a new operation.`,
    );
  }
}

/** The state of the object forbids the operation (e.g. capturing a released hold). */
export class StateConflictError extends CreditsError {
  readonly code = "CONFLICT";
}
