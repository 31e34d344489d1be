import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.ts";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Replaces the database name of a postgresql:// URL, keeping host, credentials and options. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Whether the server behind the URL is the embedded PGlite (which runs one transaction at a time). */
export async function isEmbedded(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>("SELECT version()");
    return rows[0]?.version.includes("wasm") ?? false;
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database next to `serverUrl`, dropped by `drop()`. On a real server it is a
 * `CREATE DATABASE` with a random name; PGlite has a single database, so there it is a fresh
 * in-memory embedded server instead.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = "credits_scratch",
): Promise<ScratchDatabase> {
  if (await isEmbedded(serverUrl)) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(serverUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
