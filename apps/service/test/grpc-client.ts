// A gRPC client of the CreditService that shares nothing with the server: @grpc/grpc-js with the
// .proto loaded at run time by @grpc/proto-loader, as another backend would call the service.
import { fileURLToPath } from "node:url";
import {
  type Client,
  type ClientReadableStream,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

const protoPath = fileURLToPath(
  new URL("../../../proto/credits/v1/credits.proto", import.meta.url),
);

type Unary = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: Record<string, unknown>) => void,
) => void;
type Streaming = (request: object, metadata: Metadata) => ClientReadableStream<unknown>;

export type CreditServiceClient = Client & Record<string, Unary & Streaming>;

export function creditServiceClient(address: string): CreditServiceClient {
  const definition = loadSync(protoPath, {
    keepCase: true,
    longs: String,
    defaults: true,
    includeDirs: [],
  });
  // biome-ignore lint/suspicious/noExplicitAny: proto-loader's packages are typed by the .proto only at run time
  const loaded = loadPackageDefinition(definition) as any;
  return new loaded.credits.v1.CreditService(address, credentials.createInsecure());
}

/** Metadata of a call: the bearer token (when given) and any other entries. */
export function metadata(token: string | null, entries: Record<string, string> = {}): Metadata {
  const result = new Metadata();
  if (token !== null) result.set("authorization", `Bearer ${token}`);
  for (const [key, value] of Object.entries(entries)) result.set(key, value);
  return result;
}

/** A unary call's answer, or its error status (never thrown, so tests can look at either). */
export function call(
  client: CreditServiceClient,
  method: string,
  request: object,
  meta: Metadata,
): Promise<{ response?: Record<string, unknown>; error?: ServiceError }> {
  return new Promise((resolve) => {
    client[method]?.(request, meta, (error, response) => resolve(error ? { error } : { response }));
  });
}

/** Every message of a server stream, or its error status. */
export async function collect(
  client: CreditServiceClient,
  method: string,
  request: object,
  meta: Metadata,
): Promise<{ messages: Record<string, unknown>[]; error?: ServiceError }> {
  const messages: Record<string, unknown>[] = [];
  const stream = client[method]?.(request, meta);
  if (!stream) throw new Error(`no method ${method}`);
  try {
    for await (const message of stream) messages.push(message as Record<string, unknown>);
    return { messages };
  } catch (error) {
    return { messages, error: error as ServiceError };
  }
}
