import { mkdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const terminateMessageType = "X".charCodeAt(0);
const syncMessageType = "S".charCodeAt(0);
const errorResponseType = "E".charCodeAt(0);
const readyForQueryType = "Z".charCodeAt(0);
// Extended-protocol messages that leave a sequence open until its Sync: Parse, Bind, Describe,
// Execute, Close, Flush.
const openingMessageTypes = new Set(
  ["P", "B", "D", "E", "C", "H"].map((type) => type.charCodeAt(0)),
);

/**
 * PGlite's answer to an extended-query message, as Postgres would give it, and whether it failed.
 * Postgres sends ReadyForQuery only for a Sync or a simple query, but PGlite follows the
 * ErrorResponse of a failing message with one; the Sync then brings another, and node-postgres
 * would take the second as the end of its next query (which then reads the following query's
 * answer). So ReadyForQuery is dropped here.
 */
function correctedExtendedAnswer(data: Buffer): { forwarded: Buffer; failed: boolean } {
  const kept: Buffer[] = [];
  let failed = false;
  for (let offset = 0; offset + 5 <= data.length; ) {
    const end = offset + 1 + data.readUInt32BE(offset + 1);
    if (data[offset] === errorResponseType) failed = true;
    if (data[offset] !== readyForQueryType) kept.push(data.subarray(offset, end));
    offset = end;
  }
  return { forwarded: Buffer.concat(kept), failed };
}

/**
 * pglite-socket 0.1.6 multiplexes connections onto PGlite's single session message by message,
 * keeping only transactions together. A node-postgres query outside a transaction is several
 * messages (Parse, Bind, Describe, Execute, Sync): another connection's Parse landing between them
 * replaces the unnamed statement, and a connection would get another's rows (the server enqueues
 * each message on its own, so nothing stops that interleaving). This replaces the queue's loop
 * with one that also keeps each connection's messages together up to its Sync, and keeps a
 * client's Terminate from reaching the shared session. It reaches into the server's internals, so
 * pglite-socket is pinned exactly.
 */
function keepExtendedQueriesTogether(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  const openSequences = new Set<number>();
  // Connections whose extended-query sequence failed: Postgres ignores their messages up to the
  // Sync, but PGlite, given one message at a time, would run the Describe and Execute after a
  // failed Parse or Bind and answer them, and the client would read those answers as its next
  // query's (rows in the wrong hands).
  const failedSequences = new Set<number>();
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned =
          this.lastHandlerId !== null &&
          (openSequences.has(this.lastHandlerId) || this.db.isInTransaction());
        const index = pinned
          ? this.queue.findIndex((item) => item.handlerId === this.lastHandlerId)
          : 0;
        if (index === -1) break; // wait for the pinned connection's next message
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        if (item.message[0] === terminateMessageType) {
          // A client saying goodbye ends its connection, not PGlite's one session shared by all.
          openSequences.delete(item.handlerId);
          item.resolve(0);
          continue;
        }
        const type = item.message[0] ?? 0;
        if (failedSequences.has(item.handlerId) && type !== syncMessageType) {
          this.lastHandlerId = item.handlerId;
          item.resolve(0);
          continue;
        }
        failedSequences.delete(item.handlerId);
        let bytes = 0;
        // An extended-query message's answer is collected and corrected before the client sees
        // it (a development database's rows fit in memory).
        const extended = openingMessageTypes.has(type);
        const answered: Uint8Array[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                if (extended) {
                  answered.push(data);
                  return;
                }
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        if (extended) {
          const { forwarded, failed } = correctedExtendedAnswer(Buffer.concat(answered));
          if (failed) failedSequences.add(item.handlerId);
          bytes = forwarded.length;
          if (forwarded.length > 0) item.onData(forwarded);
          openSequences.add(item.handlerId);
        } else {
          openSequences.delete(item.handlerId);
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }.bind(queue);
  // A connection that closes mid-sequence must not keep the others waiting for it.
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId) => {
    clearQueueForHandler(handlerId);
    openSequences.delete(handlerId);
    failedSequences.delete(handlerId);
    if (queue.lastHandlerId === handlerId && !queue.db.isInTransaction()) {
      queue.lastHandlerId = null;
      void queue.processQueue();
    }
  };
}

// The requests a client may send before its startup message, each 8 bytes (length, then code):
// "may we talk TLS" (psql and most drivers ask by default) and "may we talk GSSAPI encryption"; and
// a 16-byte request to cancel another connection's query.
const sslRequestCode = 80877103;
const gssEncryptionRequestCode = 80877104;
const cancelRequestCode = 80877102;

/**
 * pglite-socket 0.1.6 knows only the startup message, so a client that first asks for TLS (psql with
 * its default sslmode=prefer) waits forever for an answer. This answers such requests "N" (not
 * supported) as Postgres does without certificates, so the client goes on in plain text, and closes
 * a cancel request's connection (PGlite cannot cancel; Postgres closes it too). The rest of the
 * connection is handed to pglite-socket untouched.
 */
function answerEncryptionRequests(server: PGLiteSocketServer): void {
  const internal = server as unknown as { handleConnection(socket: Socket): Promise<void> };
  const handleConnection = internal.handleConnection.bind(server);
  internal.handleConnection = async (socket) => {
    let pending = Buffer.alloc(0);
    // A client gone before its startup message must not take the process with it.
    const onError = () => socket.destroy();
    const handOver = () => {
      socket.off("data", onData).off("error", onError);
      socket.pause();
      if (pending.length > 0) socket.unshift(pending);
      void handleConnection(socket).then(() => socket.resume());
    };
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const [length, code] = [pending.readUInt32BE(0), pending.readUInt32BE(4)];
        if (length === 16 && code === cancelRequestCode) {
          socket.off("data", onData).destroy();
          return;
        }
        if (length !== 8 || (code !== sslRequestCode && code !== gssEncryptionRequestCode)) {
          handOver(); // the startup message: pglite-socket's from here on
          return;
        }
        socket.write("N");
        pending = pending.subarray(8);
      }
    };
    socket.on("data", onData).on("error", onError);
  };
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
  keepExtendedQueriesTogether(server);
  answerEncryptionRequests(server);
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
