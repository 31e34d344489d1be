import { createDatabaseClient, type Database } from "@credits/db";
import { openDevelopmentDatabase } from "@credits/db/embedded";
import { loadRootEnvFile } from "@credits/db/env";
import { repoRoot } from "./run.ts";

/**
 * Runs a maintenance script's work on DATABASE_URL (or the embedded database, shared with a running
 * `pnpm dev`), and closes everything afterwards.
 */
export async function withScriptDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  loadRootEnvFile(repoRoot);
  const database = await openDevelopmentDatabase();
  const db = createDatabaseClient(database.url, { poolMax: 2 });
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}
