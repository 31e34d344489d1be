// CPU used per operation, read from /proc/<pid>/stat before and after a run: the server under test
// (its process and children) and the PostgreSQL backends serving the scratch database. Where /proc
// cannot be read (Postgres on another host, not Linux) the figure is left out, never guessed.
import { readFileSync } from "node:fs";
import type pg from "pg";
import { childrenOf } from "./server.ts";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

function ownTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function treeTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  const visit = (current: number) => {
    const own = ownTicks(current);
    if (own === null) return;
    ticks.set(current, own);
    for (const child of childrenOf(current)) visit(child);
  };
  visit(pid);
  return ticks;
}

async function backendTicks(pool: pg.Pool): Promise<Map<number, number> | null> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    const own = ownTicks(pid);
    if (own !== null) ticks.set(pid, own);
  }
  return ticks.size > 0 ? ticks : null;
}

/** What each process used since `before`; one that started since counts from zero. */
function usedMs(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return (ticks * 1000) / ticksPerSecond;
}

export interface CpuPerOperation {
  /** ms of CPU of the server under test per operation (absent for rows without one). */
  serverMs?: number;
  /** ms of CPU of the Postgres backends of the scratch database per operation. */
  postgresMs?: number;
  /** ms of CPU of this process, the load generator, per operation: it shares the machine too. */
  loadMs?: number;
}

/**
 * Starts counting; the returned function answers the CPU per operation since then. Postgres's
 * background processes (WAL writer, checkpointer) serve every database of the server and are not
 * counted.
 */
export async function startCpuCount(
  pool: pg.Pool,
  serverPid: number | null,
): Promise<(operations: number) => Promise<CpuPerOperation>> {
  const server = serverPid === null ? null : treeTicks(serverPid);
  const postgres = await backendTicks(pool);
  const load = process.cpuUsage();
  return async (operations) => {
    const count = Math.max(1, operations);
    const used = process.cpuUsage(load);
    const result: CpuPerOperation = { loadMs: round((used.user + used.system) / 1000 / count) };
    if (server && serverPid !== null && server.size > 0) {
      result.serverMs = round(usedMs(server, treeTicks(serverPid)) / count);
    }
    const after = postgres ? await backendTicks(pool) : null;
    if (postgres && after) result.postgresMs = round(usedMs(postgres, after) / count);
    return result;
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
