import { afterEach, describe, expect, it } from "vitest";
import { createDatabaseClient } from "./client.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrateDeploy, migrateStatus } from "./migrate.ts";

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
});
