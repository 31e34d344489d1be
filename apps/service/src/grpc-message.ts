// gRPC's status message travels percent-encoded in the `grpc-message` header or trailer. The spec
// encodes only what a header cannot carry (bytes outside 0x20-0x7E, and "%"); Connect encodes with
// encodeURIComponent, also ":", ",", ";" and more, which @grpc/grpc-js (decodeURI) hands to its
// callers still encoded ("credits%3A must be …"). Re-encoding as the spec does reads right in
// every client, since each decodes the spec's form.
import type { Http2ServerRequest, Http2ServerResponse, OutgoingHttpHeaders } from "node:http2";

const header = "grpc-message";

/** The spec's percent-encoding of a status message (grpc/doc/PROTOCOL-HTTP2.md). */
export function encodeGrpcMessage(message: string): string {
  let encoded = "";
  for (const byte of Buffer.from(message, "utf8")) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

function respec(headers: OutgoingHttpHeaders | undefined): void {
  const value = headers?.[header];
  if (headers && typeof value === "string") {
    headers[header] = encodeGrpcMessage(decodeURIComponent(value));
  }
}

type Handler = (request: Http2ServerRequest, response: Http2ServerResponse) => void;

/** Wraps an HTTP/2 handler so the status messages it sends are encoded as the spec has it. */
export function withSpecGrpcMessages(handler: Handler): Handler {
  return (request, response) => {
    const writeHead = response.writeHead.bind(response) as (
      status: number,
      headers?: OutgoingHttpHeaders,
    ) => Http2ServerResponse;
    const addTrailers = response.addTrailers.bind(response);
    Object.assign(response, {
      writeHead(status: number, headers?: OutgoingHttpHeaders) {
        respec(headers);
        return writeHead(status, headers);
      },
      addTrailers(trailers: OutgoingHttpHeaders) {
        respec(trailers);
        addTrailers(trailers);
      },
    });
    handler(request, response);
  };
}
