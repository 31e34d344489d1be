// A TCP relay in front of the test database that a test can cut as a PostgreSQL restart does: the
// open connections drop and new ones are refused until it is restored. The shared server itself is
// never touched.
import { randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { createDatabaseClient, type Database } from "@credits/db";

export interface DatabaseRelay {
  /** A client of the test database through the relay, its connections named `applicationName`. */
  db: Database;
  applicationName: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startDatabaseRelay(databaseUrl: string): Promise<DatabaseRelay> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const listening = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket)).on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      listening.once("error", reject).listen(port, "127.0.0.1", () => {
        const address = listening.address();
        if (address && typeof address === "object") port = address.port;
        server = listening;
        resolve();
      });
    });
  const cut = async () => {
    for (const socket of sockets) socket.destroy();
    const closing = server;
    server = null;
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  await listen();
  const applicationName = `relay-${randomUUID().slice(0, 8)}`;
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  url.searchParams.set("application_name", applicationName);
  const db = createDatabaseClient(url.toString(), { poolMax: 4 });
  return {
    db,
    applicationName,
    cut,
    restore: listen,
    async close() {
      await cut();
      await db.$disconnect();
    },
  };
}
