// Telling "the database cannot be reached" from every other failure: a refused, lost or timed-out
// connection (a restart, a failover, a full server) is the service being unavailable for a moment,
// which callers answer with 503 and Retry-After, not a fault of the request or a bug.
import { isDriverAdapterError } from "@prisma/driver-adapter-utils";
import { Prisma } from "./generated/prisma/client.ts";

/**
 * Thrown where code that cannot answer 503 itself learns that the database is unavailable (e.g.
 * while resolving a session); `reason` is the code it came with.
 */
export class DatabaseUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`The database is unavailable (${reason}).`);
    this.name = "DatabaseUnavailableError";
  }
}

/**
 * Prisma's codes for a database it cannot reach, lost, or that refused it: P1001 unreachable, P1002
 * and P1008 timed out, P1017 closed, P2024 no free connection in time, P1000/P1010 access denied,
 * P1003 no such database (the last three need an operator, but to a caller they are the same).
 */
const unavailablePrismaCodes = new Set([
  "P1000",
  "P1001",
  "P1002",
  "P1003",
  "P1008",
  "P1010",
  "P1017",
  "P2024",
]);
/** The driver adapter's kinds of the same (ECONNREFUSED, ECONNRESET, ETIMEDOUT, 53300, 28xxx…). */
const unavailableAdapterKinds = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "DatabaseDoesNotExist",
]);
/**
 * SQLSTATEs of a server that ends or refuses sessions: class 08 (connection exceptions), 53300 (too
 * many connections), 57P01-57P03 (shut down by an administrator, a crash, starting up or shutting
 * down).
 */
const unavailableSqlStates = /^(08...|53300|57P0[123])$/;
/**
 * What node-postgres itself throws, without a code, when a connection dies under a query or an
 * open transaction (the adapter passes these through as they are).
 */
const lostConnectionMessages = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
]);

interface AdapterCause {
  kind?: string;
  code?: string;
}

function adapterReason(cause: AdapterCause | undefined): string | null {
  if (!cause?.kind) return null;
  if (unavailableAdapterKinds.has(cause.kind)) return cause.kind;
  if (cause.kind === "postgres" && cause.code && unavailableSqlStates.test(cause.code)) {
    return cause.code;
  }
  return null;
}

/**
 * Why the database is unavailable according to `error` (a Prisma code, the driver's kind or a
 * SQLSTATE, safe to log), or null when the error is anything else.
 */
export function databaseUnavailableReason(error: unknown): string | null {
  if (error instanceof DatabaseUnavailableError) return error.reason;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const meta = error.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
    const reason = adapterReason(meta?.driverAdapterError?.cause);
    if (reason) return reason;
    return unavailablePrismaCodes.has(error.code) ? error.code : null;
  }
  if (error instanceof Prisma.PrismaClientInitializationError) return error.errorCode ?? "P1001";
  if (!(error instanceof Error)) return null;
  if (isDriverAdapterError(error)) return adapterReason(error.cause as AdapterCause);
  return lostConnectionMessages.has(error.message) ? "ConnectionLost" : null;
}

/**
 * Whether `error` is a serialization failure (SQLSTATE 40001): the statement or transaction was
 * undone whole because a concurrent one got there first, and running it again is safe.
 */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2034") return true;
    const meta = error.meta as
      | { driverAdapterError?: { cause?: AdapterCause & { originalCode?: string } } }
      | undefined;
    const cause = meta?.driverAdapterError?.cause;
    return cause?.kind === "TransactionWriteConflict" || cause?.originalCode === "40001";
  }
  return false;
}
