import { PrismaPg } from "@prisma/adapter-pg";
import { readDatabaseEnv } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Database = PrismaClient;

/** Builds a Prisma client over node-postgres; both a real server and the embedded one speak this. */
export function createDatabaseClient(
  connectionString: string,
  options: { poolMax?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: options.poolMax ?? 10 });
  return new PrismaClient({ adapter });
}

const processWide = globalThis as unknown as { __creditsDb?: PrismaClient };

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
