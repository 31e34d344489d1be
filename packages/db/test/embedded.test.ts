import { connect } from "node:net";
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
