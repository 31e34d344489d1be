import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** postgresql:// URL that node-postgres (and so Prisma's adapter) connects to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory that keeps the data between runs; omit for a throw-away in-memory database. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
}

/**
 * Starts PGlite (Postgres compiled to WebAssembly) and serves it over the Postgres wire protocol on
 * 127.0.0.1, so the apps use the very same driver path as with a real server. PGlite is one
 * session: the socket server multiplexes connections and runs one transaction at a time, which is
 * right for development and tests, not for load.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({
    db: pglite,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: 64,
  });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}

/** Where `pnpm dev` keeps the embedded database: a git-ignored folder at the repository root. */
export const developmentDataDir = fileURLToPath(new URL("../../../.data/pglite", import.meta.url));
/** A fixed port, so scripts (migrate, seed) reach the embedded database while `pnpm dev` runs. */
export const developmentPort = 54329;

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface DevelopmentDatabase {
  url: string;
  /** What it is, for progress lines: "DATABASE_URL", "embedded (started)" or "embedded (shared)". */
  source: "DATABASE_URL" | "embedded, started here" | "embedded, already running";
  stop(): Promise<void>;
}

/**
 * The database for development commands: the server in DATABASE_URL when set; otherwise the
 * embedded one, started on its fixed port with its data folder, or reused when `pnpm dev` already
 * serves it (PGlite's data folder can be opened by one process only).
 */
export async function openDevelopmentDatabase(): Promise<DevelopmentDatabase> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, source: "DATABASE_URL", stop: async () => {} };
  const url = `postgresql://postgres@127.0.0.1:${developmentPort}/postgres?sslmode=disable`;
  if (await isListening(developmentPort)) {
    return { url, source: "embedded, already running", stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: developmentDataDir,
    port: developmentPort,
  });
  return { url: embedded.url, source: "embedded, started here", stop: () => embedded.stop() };
}
