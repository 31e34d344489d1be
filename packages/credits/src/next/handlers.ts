import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { asDomainError } from "../errors.ts";
import { readTextWithin } from "../http/body.ts";
import { observeRequest } from "../http/observe.ts";
import { securityHeaderSettingsFrom, withApiSecurityHeaders } from "../http/security-headers.ts";
import { logFailure } from "../observability/failures.ts";
import { appRouter } from "../root.ts";
import type { CreditsContext } from "../trpc.ts";

type ContextFactory = (request: Request) => Promise<CreditsContext>;

/**
 * The largest tRPC request body, as on the REST API: the largest input (a bulk grant of 100
 * emails) is under 30 KB, and a larger body is refused unread rather than parsed.
 */
export const maxTrpcBodyBytes = 64 * 1024;

/**
 * The request with its body read within `maxTrpcBodyBytes`, or, when it is larger, with a body
 * that fails as tRPC's own PAYLOAD_TOO_LARGE, so tRPC answers 413 in its error shape.
 */
async function withinBodyLimit(request: Request): Promise<{ request: Request; tooLarge: boolean }> {
  if (!request.body) return { request, tooLarge: false };
  const text = await readTextWithin(request, maxTrpcBodyBytes);
  const body =
    text ??
    new ReadableStream({
      start: (controller) =>
        controller.error(
          new TRPCError({
            code: "PAYLOAD_TOO_LARGE",
            message: `The request body must be at most ${maxTrpcBodyBytes} bytes.`,
          }),
        ),
    });
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: "half",
  } as RequestInit);
  return { request: limited, tooLarge: text === null };
}

/** The context, or the domain error its failure is (a lost database while reading the session). */
async function contextOf(createContext: ContextFactory, request: Request) {
  try {
    return await createContext(request);
  } catch (error) {
    const domainError = asDomainError(error);
    if (!domainError) throw error;
    throw new TRPCError({
      code: domainError.code,
      message: domainError.message,
      cause: domainError,
    });
  }
}

/**
 * `handler` with the security headers of an API answer on what it answers. The app's proxy sends
 * them on every other route; it leaves out the routes that take bodies, which it would read whole
 * before the route's own limit (next/proxy.ts).
 */
export function withSecurityHeaders(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const settings = securityHeaderSettingsFrom(process.env);
  return async (request) => withApiSecurityHeaders(await handler(request), request, settings);
}

/**
 * The `/api/trpc` route handler both apps mount, with their own way to resolve the caller. Each
 * request gets a request id and is counted in the metrics (each procedure on its own, trpc.ts).
 * Bodies over `maxTrpcBodyBytes` are refused with 413 (what is left of the body is dropped after
 * the answer, http/body.ts); domain errors' headers (Retry-After) are sent with their answers.
 */
export function createTrpcRouteHandler(createContext: ContextFactory) {
  return withSecurityHeaders((request: Request) =>
    observeRequest(request, "/api/trpc", async () => {
      const limited = await withinBodyLimit(request);
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: limited.request,
        router: appRouter,
        createContext: () => contextOf(createContext, limited.request),
        responseMeta({ errors }) {
          const headers = new Headers();
          for (const error of errors) {
            for (const [name, value] of Object.entries(asDomainError(error.cause)?.headers ?? {})) {
              headers.set(name, value);
            }
          }
          return { headers };
        },
        onError({ error, path }) {
          // Logged by code and path only: the messages of unexpected errors can carry SQL.
          if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
            logFailure(error.cause ?? error, { path }, "trpc procedure failed");
          }
        },
      });
      return response;
    }),
  );
}
