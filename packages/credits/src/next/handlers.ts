import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { observeRequest } from "../http/observe.ts";
import { log } from "../observability/logger.ts";
import { appRouter } from "../root.ts";
import { checkDatabase, type DatabaseHealth } from "../service/health.ts";
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

const noStore = { "cache-control": "no-store" };

/** `GET /health`: the process is up. Never touches the database, so it stays cheap for probes. */
export function livenessResponse(): Response {
  return Response.json({ status: "ok" }, { headers: noStore });
}

/** `GET /health/ready`: the process can serve requests, meaning the database answers. */
export async function readinessResponse(getDb: () => CreditsContext["db"]): Promise<Response> {
  let database: DatabaseHealth;
  try {
    database = await checkDatabase(getDb());
  } catch {
    // A missing or malformed database configuration is "not ready", not a crash.
    database = { status: "unavailable", latencyMs: 0 };
  }
  const ready = database.status === "ok";
  return Response.json(
    { status: ready ? "ok" : "unavailable", checks: { database } },
    { status: ready ? 200 : 503, headers: noStore },
  );
}
