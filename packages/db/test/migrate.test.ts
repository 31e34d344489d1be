import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDeploy, migrateDev, migrateStatus } from "../src/migrate.ts";
import { createScratchDatabase, type ScratchDatabase } from "../src/testing.ts";

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error("DATABASE_URL must point at the test database (pnpm test sets it)");

const prismaDir = fileURLToPath(new URL("../../../prisma", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch(): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(serverUrl ?? "", "credits_migrate_test");
  cleanups.push(() => database.drop());
  return database;
}

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function shadowDatabaseNames(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    serverUrl ?? "",
    "SELECT datname FROM pg_database WHERE datname LIKE 'credits_shadow_%'",
  );
  return rows.map((row) => row.datname);
}

async function localMigrations(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe("migrateDeploy", () => {
  it("applies every migration to an empty database, then nothing on a second run", async () => {
    const database = await scratch();
    const expected = await localMigrations(join(prismaDir, "migrations"));
    expect(expected.length).toBeGreaterThan(0);

    expect(await migrateDeploy({ databaseUrl: database.url })).toEqual(expected);
    expect(await migrateDeploy({ databaseUrl: database.url })).toEqual([]);

    const recorded = await query<{ migration_name: string }>(
      database.url,
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(expected);
    const status = await migrateStatus({ databaseUrl: database.url });
    expect(status).toMatchObject({ pending: [], failed: [], upToDate: true });
    expect(status.applied).toEqual(expected);
  });

  it("reports pending migrations on a database that has none applied", async () => {
    const database = await scratch();
    const status = await migrateStatus({ databaseUrl: database.url });
    expect(status.upToDate).toBe(false);
    expect(status.pending).toEqual(await localMigrations(join(prismaDir, "migrations")));
  });
});

describe("migrateDev", () => {
  it("creates a migration from a schema change on a shadow database and applies it", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "credits-migrate-"));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const schemaPath = join(workDir, "schema.prisma");
    const migrationsDir = join(workDir, "migrations");
    await cp(join(prismaDir, "migrations"), migrationsDir, { recursive: true });
    const schema = await readFile(join(prismaDir, "schema.prisma"), "utf8");
    await writeFile(
      schemaPath,
      `${schema}\nmodel MigrationProbe {\n  id    Int    @id @default(autoincrement())\n  label String\n\n  @@map("migration_probes")\n}\n`,
    );
    const database = await scratch();
    const shadowsBefore = await shadowDatabaseNames();
    const options = { databaseUrl: database.url, schemaPath, migrationsDir };

    const first = await migrateDev({ ...options, name: "add_probe" });

    expect(first.created).toMatch(/^\d{14}_add_probe$/);
    const sql = await readFile(join(migrationsDir, first.created ?? "", "migration.sql"), "utf8");
    expect(sql).toContain('CREATE TABLE "migration_probes"');
    expect(sql).not.toContain('CREATE TABLE "users"');
    expect(first.applied).toContain(first.created);
    const inserted = await query<{ label: string }>(
      database.url,
      "INSERT INTO migration_probes (label) VALUES ('works') RETURNING label",
    );
    expect(inserted).toEqual([{ label: "works" }]);

    // Nothing changed since: no new migration, and the shadow databases are gone.
    expect((await migrateDev({ ...options, name: "again" })).created).toBeNull();
    expect((await migrateStatus(options)).upToDate).toBe(true);
    expect(await shadowDatabaseNames()).toEqual(shadowsBefore);
  });
});
