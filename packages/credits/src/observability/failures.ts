// What a log line says about a request that failed on our side: that the database was unavailable
// and its code, or the error's class and Prisma's code; never the error's message or stack, which
// can carry SQL, file paths and data.
import { databaseUnavailableReason, Prisma } from "@credits/db";
import { ServiceUnavailableError } from "../errors.ts";
import { log } from "./logger.ts";

/** Logs `error` as an error line with `fields` (the route, the procedure) under `message`. */
export function logFailure(
  error: unknown,
  fields: Record<string, unknown>,
  message = "request failed",
): void {
  const unavailable =
    error instanceof ServiceUnavailableError ? error.reason : databaseUnavailableReason(error);
  if (unavailable) {
    log("error", "database unavailable", { ...fields, code: unavailable });
    return;
  }
  log("error", message, {
    ...fields,
    error: error instanceof Error ? error.constructor.name : typeof error,
    ...(error instanceof Prisma.PrismaClientKnownRequestError ? { code: error.code } : {}),
  });
}
