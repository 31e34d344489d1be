import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { observeRequest } from "../http/observe.ts";
import { log } from "../observability/logger.ts";
import { appRouter } from "../root.ts";
import type { CreditsContext } from "../trpc.ts";

type ContextFactory = (request: Request) => Promise<CreditsContext>;

/**
 * The `/api/trpc` route handler both apps mount, with their own way to resolve the caller. Each
 * request gets a request id and is counted in the metrics (each procedure on its own, trpc.ts).
 */
export function createTrpcRouteHandler(createContext: ContextFactory) {
  return (request: Request) =>
    observeRequest(request, "/api/trpc", () =>
      fetchRequestHandler({
        endpoint: "/api/trpc",
        req: request,
        router: appRouter,
        createContext: () => createContext(request),
        onError({ error, path }) {
          // Unexpected failures are logged by code and path only: their messages can carry SQL.
          if (error.code === "INTERNAL_SERVER_ERROR") {
            log("error", "trpc procedure failed", {
              path,
              code: error.code,
              error: error.cause?.constructor.name ?? "TRPCError",
            });
          }
        },
      }),
    );
}
