import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { readDatabaseEnv } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Database = PrismaClient;

const processWide = globalThis as unknown as {
  __creditsDb?: PrismaClient;
  __creditsDbPools?: WeakMap<PrismaClient, pg.Pool>;
};

/**
 * Each client's connection pool, kept so its use can be reported (metrics). On globalThis, as the
 * client is: Next.js bundles its App-Router and Pages-Router code apart, each with its own copy of
 * this module, and one bundle's metrics route must find the pool of a client another made.
 */
processWide.__creditsDbPools ??= new WeakMap();
const pools = processWide.__creditsDbPools;

/** Builds a Prisma client over node-postgres; both a real server and the embedded one speak this. */
export function createDatabaseClient(
  connectionString: string,
  options: { poolMax?: number } = {},
): PrismaClient {
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 10 });
  // The adapter ends the pool on $disconnect, as it would a pool of its own.
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
  });
  pools.set(client, pool);
  return client;
}

export interface PoolStats {
  /** Connections open (busy or idle). */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

/** How the client's connection pool is used right now. */
export function poolStats(db: PrismaClient): PoolStats | null {
  const pool = pools.get(db);
  if (!pool) return null;
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options.max ?? 10,
  };
}

/**
 * The one Prisma client of the process. Created on first use (so importing this module at build
 * time needs no database) and kept on globalThis so Next.js hot reloads don't open new pools.
 */
export function getDb(): PrismaClient {
  if (!processWide.__creditsDb) {
    const env = readDatabaseEnv();
    if (!env.DATABASE_URL) {
      throw new Error("DATABASE_URL is not set: start the apps with `pnpm dev` or set it in .env");
    }
    processWide.__creditsDb = createDatabaseClient(env.DATABASE_URL, {
      poolMax: env.DATABASE_POOL_MAX,
    });
  }
  return processWide.__creditsDb;
}

/** Closes the process-wide client, for scripts and tests that must exit cleanly. */
export async function disconnectDb(): Promise<void> {
  const client = processWide.__creditsDb;
  processWide.__creditsDb = undefined;
  await client?.$disconnect();
}
