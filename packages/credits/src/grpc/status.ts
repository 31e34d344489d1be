// A gRPC status as the CreditService's methods fail with it: the code, a message for the person
// who reads it, and trailers (e.g. `retry-after`). The server (server.ts) answers it as is; any
// other error becomes INTERNAL there, with nothing of its cause.
import { status } from "@grpc/grpc-js";

/** A status code's name in the gRPC spec, e.g. "FAILED_PRECONDITION". */
export type GrpcStatusName = keyof typeof status;

export class GrpcStatusError extends Error {
  readonly code: status;

  constructor(
    message: string,
    code: GrpcStatusName,
    readonly trailers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "GrpcStatusError";
    this.code = status[code];
  }
}
