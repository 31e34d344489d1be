import { connect, type Socket } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabaseClient } from "../src/client.ts";
import { startEmbeddedPostgres } from "../src/embedded.ts";
import { migrateDeploy, migrateStatus } from "../src/migrate.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe("embedded Postgres", () => {
  it("starts, takes the migrations and serves queries through the Prisma client", async () => {
    const embedded = await startEmbeddedPostgres();
    stops.push(() => embedded.stop());
    expect(embedded.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);

    expect((await migrateDeploy({ databaseUrl: embedded.url })).length).toBeGreaterThan(0);
    expect((await migrateStatus({ databaseUrl: embedded.url })).upToDate).toBe(true);

    const db = createDatabaseClient(embedded.url, { poolMax: 4 });
    stops.push(() => db.$disconnect());
    const created = await db.user.create({ data: { email: "embedded@example.com" } });
    // Several pooled connections at once: the socket server multiplexes them onto PGlite.
    const found = await Promise.all(
      Array.from({ length: 8 }, () =>
        db.user.findUniqueOrThrow({ where: { email: "embedded@example.com" } }),
      ),
    );
    expect(found.map((user) => user.id)).toEqual(Array(8).fill(created.id));
    await expect(db.user.create({ data: { email: "embedded@example.com" } })).rejects.toMatchObject(
      {
        code: "P2002",
      },
    );
  });

  it("ends a failed extended query with one ReadyForQuery, at its Sync, as Postgres does", async () => {
    const embedded = await startEmbeddedPostgres();
    stops.push(() => embedded.stop());
    const wire = await openWire(new URL(embedded.url));
    stops.push(async () => {
      wire.socket.destroy();
    });
    await wire.roundTrip(simpleQuery("CREATE TABLE positive (value int CHECK (value > 0))"));
    await wire.roundTrip(simpleQuery("BEGIN"));
    // The CHECK fails while the INSERT executes, as a foreign key does. PGlite answered that
    // Execute with a ReadyForQuery of its own, and the Sync brought another: node-postgres took
    // the extra one as the end of its next query, and every later answer came one query late.
    const answer = await wire.roundTrip(
      Buffer.concat([
        message("P", Buffer.from("\0INSERT INTO positive VALUES ($1)\0\0\0")),
        message("B", Buffer.concat([Buffer.from("\0\0\0\0\0\x01\0\0\0\x02-1"), int16(0)])),
        message("D", Buffer.from("P\0")),
        message("E", Buffer.from("\0\0\0\0\0")),
        message("S", Buffer.alloc(0)),
      ]),
    );
    expect(answer.filter((type) => type === "E")).toHaveLength(1);
    expect(answer.filter((type) => type === "Z")).toEqual(["Z"]);
    expect(await wire.roundTrip(simpleQuery("ROLLBACK"))).toEqual(["C", "Z"]);
  });

  it("answers a client's request for TLS or GSSAPI encryption with N, then serves it in plain text", async () => {
    const embedded = await startEmbeddedPostgres();
    stops.push(() => embedded.stop());
    const url = new URL(embedded.url);
    const socket = connect(Number(url.port), url.hostname);
    stops.push(async () => {
      socket.destroy();
    });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const answers: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => answers.push(chunk));
    // What psql (libpq) sends first with its default sslmode=prefer and gssencmode=prefer: it
    // waited for an answer forever, as the socket server took the request for a partial message.
    for (const [index, code] of [80877104, 80877103].entries()) {
      const request = Buffer.alloc(8);
      request.writeUInt32BE(8, 0);
      request.writeUInt32BE(code, 4);
      socket.write(request);
      await expect
        .poll(() => Buffer.concat(answers).toString(), { timeout: 2_000 })
        .toBe("N".repeat(index + 1));
    }
    socket.removeAllListeners("data");
    const wire = await startSession(socket);
    const answer = await wire.roundTrip(simpleQuery("SELECT 1"));
    expect(answer).toContain("D");
    expect(answer).not.toContain("E");
  });

  it("lets node-postgres asking for TLS hear at once that there is none", async () => {
    const embedded = await startEmbeddedPostgres();
    stops.push(() => embedded.stop());
    const url = new URL(embedded.url);
    const client = new pg.Client({
      host: url.hostname,
      port: Number(url.port),
      user: "postgres",
      database: "postgres",
      ssl: { rejectUnauthorized: false },
      connectionTimeoutMillis: 5_000,
    });
    client.on("error", () => {});
    // Without the answer this was a timeout after five seconds; Postgres without certificates
    // answers the same refusal.
    await expect(client.connect()).rejects.toThrow("The server does not support SSL connections");
    const plain = new pg.Client({ connectionString: embedded.url });
    await plain.connect();
    stops.push(() => plain.end());
    expect((await plain.query("SELECT 6 * 7 AS answer")).rows).toEqual([{ answer: 42 }]);
  });
});

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

function simpleQuery(sql: string): Buffer {
  return message("Q", Buffer.from(`${sql}\0`));
}

/**
 * A bare wire-protocol connection: `roundTrip` sends bytes and answers the types of the messages
 * that came back until the server went quiet for a moment after a ReadyForQuery.
 */
async function openWire(url: URL) {
  const socket = connect(Number(url.port), url.hostname);
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return startSession(socket);
}

/** Sends the startup message on `socket` and answers a `roundTrip` over it (see openWire). */
async function startSession(socket: Socket) {
  let pending = Buffer.alloc(0);
  let types: string[] = [];
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 1 + pending.readUInt32BE(1)) {
      types.push(String.fromCharCode(pending[0] ?? 0));
      pending = pending.subarray(1 + pending.readUInt32BE(1));
    }
  });
  const roundTrip = async (bytes: Buffer): Promise<string[]> => {
    types = [];
    socket.write(bytes);
    let quietSince = Date.now();
    let seen = 0;
    while (!(types.includes("Z") && Date.now() - quietSince > 200)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (types.length !== seen) [seen, quietSince] = [types.length, Date.now()];
    }
    return types;
  };
  const startup = Buffer.from("\0\x03\0\0user\0postgres\0database\0postgres\0\0");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(startup.length + 4);
  await roundTrip(Buffer.concat([length, startup]));
  return { socket, roundTrip };
}
