// Health answers of every server: liveness (the process is up) and readiness (the database answers).
import type { Database } from "@credits/db";
import { checkDatabase, type DatabaseHealth } from "../service/health.ts";

const noStore = { "cache-control": "no-store" };

/** `GET /health`: the process is up. Never touches the database, so it stays cheap for probes. */
export function livenessResponse(): Response {
  return Response.json({ status: "ok" }, { headers: noStore });
}

/** `GET /health/ready`: the process can serve requests, meaning the database answers. */
export async function readinessResponse(getDb: () => Database): Promise<Response> {
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
