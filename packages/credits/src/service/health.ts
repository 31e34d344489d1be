import type { Database } from "@credits/db";

export interface DatabaseHealth {
  status: "ok" | "unavailable";
  latencyMs: number;
}

/**
 * Asks the database for a trivial answer within `timeoutMs`. A dead server can leave a connection
 * attempt hanging far longer than a readiness probe may wait, hence the race.
 */
export async function checkDatabase(db: Database, timeoutMs = 2000): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database check timed out")), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
    return { status: "ok", latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: "unavailable", latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}
