// The REST API's one error shape: a status, a code, a message for people and details for programs.
// Domain errors bring their status and code from errors.ts; the rest are the transport's own.
import { ZodError, z } from "zod";
import { asDomainError } from "../errors.ts";

export class RestError extends Error {
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

/** What a failure is answered as; anything unexpected is a 500 that says nothing about itself. */
export function restErrorOf(error: unknown): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof ZodError) {
    return new RestError(400, "invalid_request", "The request is not valid.", {
      fields: z.flattenError(error).fieldErrors,
    });
  }
  const domainError = asDomainError(error);
  if (domainError) {
    return new RestError(
      domainError.httpStatus,
      domainError.kind,
      domainError.message,
      domainError.details,
      domainError.headers,
    );
  }
  return new RestError(
    500,
    "internal",
    "Something went wrong on our side. Please try again in a moment.",
  );
}

/** Validates one part of a request; a 400 names the part and each field's problem. */
export function parseRequestPart<T>(
  schema: z.ZodType<T>,
  value: unknown,
  part: "path" | "query" | "body",
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const flattened = z.flattenError(parsed.error);
  throw new RestError(400, "invalid_request", `The request's ${part} is not valid.`, {
    [part]: flattened.fieldErrors,
    ...(part === "body" && flattened.formErrors.length ? { form: flattened.formErrors } : {}),
  });
}
