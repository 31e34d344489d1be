/**
 * Domain errors: thrown by the service layer, mapped once to tRPC codes (trpc.ts) and, later, to
 * HTTP statuses by the REST layer. Messages are written for the person who sees them.
 */
export abstract class CreditsError extends Error {
  abstract readonly code:
    | "PAYMENT_REQUIRED"
    | "NOT_FOUND"
    | "BAD_REQUEST"
    | "CONFLICT"
    | "TOO_MANY_REQUESTS"
    | "PRECONDITION_FAILED";
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
    readonly entity:
      | "user"
      | "app"
      | "purchase"
      | "hold"
      | "account"
      | "subscription"
      | "stripe event"
      | "token",
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

/** The feature's quota for this period is used up (or would be by this request). */
export class QuotaExceededError extends CreditsError {
  readonly code = "TOO_MANY_REQUESTS";
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
}

/** Payments need Stripe keys this deployment does not have. */
export class BillingNotConfiguredError extends CreditsError {
  readonly code = "PRECONDITION_FAILED";
  constructor() {
    super("Payments are not configured on this server, so plans cannot be bought here yet.");
  }
}
