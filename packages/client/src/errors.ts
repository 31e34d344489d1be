// The errors a call can end in: the API's own answer (its status and `error.code`, `message`,
// `details`), or no answer at all after the retries ran out.
import type { components } from "./generated/schema.d.ts";

type ErrorBody = components["schemas"]["Error"];

/** A non-2xx answer of the credits service, in the API's error shape. */
export class CreditsApiError extends Error {
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The API's `error.code`, e.g. `invalid_request`, `insufficient_credits`, `rate_limited`. */
    readonly code: string,
    message: string,
    /** The API's `error.details`, e.g. the fields at fault on a 400. */
    readonly details: Record<string, unknown> = {},
    /** Seconds the service asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "CreditsApiError";
  }
}

/** A 402: the user has fewer credits than the call needs; `available` is how many they have. */
export class InsufficientCreditsError extends CreditsApiError {
  readonly available: number;

  constructor(code: string, message: string, details: Record<string, unknown>) {
    super(402, code, message, details);
    this.name = "InsufficientCreditsError";
    this.available = typeof details.available === "number" ? details.available : 0;
  }
}

/** The service could not be reached (connection refused or reset, DNS) on any attempt. */
export class CreditsNetworkError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`The credits service could not be reached (${attempts} attempts).`, { cause });
    this.name = "CreditsNetworkError";
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
}

/**
 * The typed error of a failed answer. A body that is not the API's (a proxy's HTML page) still
 * becomes a CreditsApiError, with the code `http_<status>`.
 */
export function creditsApiErrorOf(response: Response, body: unknown): CreditsApiError {
  const retryAfter = Number(response.headers.get("Retry-After"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (!isErrorBody(body)) {
    return new CreditsApiError(
      response.status,
      `http_${response.status}`,
      `The credits service answered ${response.status} ${response.statusText}`.trim(),
      {},
      retryAfterSeconds,
    );
  }
  const { code, message, details = {} } = body.error;
  if (response.status === 402) return new InsufficientCreditsError(code, message, details);
  return new CreditsApiError(response.status, code, message, details, retryAfterSeconds);
}
