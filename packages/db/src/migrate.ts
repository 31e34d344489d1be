// Prisma migrations without Prisma's binary host. The Prisma CLI downloads a native schema engine
// before any migrate command; here the same engine, compiled to WebAssembly
// (@prisma/schema-engine-wasm), is driven through the `Migrate` class of @prisma/migrate with
// @prisma/adapter-pg as its database driver. Same SQL, same migration folders, same
// `_prisma_migrations` bookkeeping as `prisma migrate`, so the two are interchangeable.
//
// One file past 300 lines on purpose: the engine, its driver wrapper and the shadow database are
// one piece of wiring around internal APIs, read and upgraded together when Prisma changes.
//
// These are Prisma's internal APIs: prisma, @prisma/* and @prisma/schema-engine-wasm are pinned to
// exact, matching versions in the pnpm catalog (the wasm version's suffix is the engine commit of
// the prisma version, see @prisma/engines-version).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import * as wasmBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { createScratchDatabase } from "./testing.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export interface MigrateOptions {
  databaseUrl: string;
  /** Defaults to the repository's prisma/schema.prisma. */
  schemaPath?: string;
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
}

// The slice of @prisma/migrate's `Migrate` this module uses. The package is CommonJS whose named
// exports Node's ESM loader cannot see, and its typings point at a file it does not ship.
interface MigrateApi {
  applyMigrations(): Promise<{ appliedMigrationNames: string[] }>;
  devDiagnostic(): Promise<{ action: { tag: "reset" | "createMigration"; reason?: string } }>;
  evaluateDataLoss(): Promise<{
    migrationSteps: number;
    warnings: { message: string }[];
    unexecutableSteps: { message: string }[];
  }>;
  createMigration(input: {
    migrationName: string;
    draft: boolean;
    schema: unknown;
  }): Promise<{ generatedMigrationName?: string }>;
  getPrismaSchema(): unknown;
  listMigrationDirectories(): Promise<{ migrations: string[] }>;
  diagnoseMigrationHistory(input: { optInToShadowDatabase: boolean }): Promise<{
    history: { unappliedMigrationNames?: string[]; unpersistedMigrationNames?: string[] } | null;
    failedMigrationNames: string[];
    editedMigrationNames: string[];
  }>;
  stop(): Promise<void>;
}
interface WasmEngineFactory {
  new: (
    config: { datamodels: [string, string][] },
    log: () => void,
    adapter: ReturnType<typeof bindMigrationAwareSqlAdapterFactory>,
  ) => Promise<unknown>;
}
const require = createRequire(import.meta.url);
const { Migrate, SchemaEngineWasm } = require("@prisma/migrate") as {
  Migrate: new (options: {
    engine: unknown;
    schemaContext: { schemaFiles: [string, string][] };
    migrationsDirPath: string;
  }) => MigrateApi;
  SchemaEngineWasm: new (options: { engine: unknown; errorRegistry: unknown }) => unknown;
};
const bindings = wasmBindings as unknown as Record<string, unknown> & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: WasmEngineFactory;
};

let engineFactory: Promise<WasmEngineFactory> | undefined;

/**
 * Instantiates the engine's .wasm once per process. @prisma/internals' own loader looks for a
 * `build/schema_engine_bg.wasm` its npm package does not contain, hence doing it here.
 */
function loadEngine(): Promise<WasmEngineFactory> {
  engineFactory ??= (async () => {
    const bindingsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasm = await readFile(join(dirname(bindingsPath), "schema_engine_bg.wasm"));
    // The engine arms its own 10 s / 60 s timeouts and never clears them; unref'd timers keep a
    // finished script from lingering for a minute.
    const imports: Record<string, unknown> = { ...bindings };
    for (const name of Object.keys(imports)) {
      if (name.startsWith("__wbg_setTimeout_")) {
        imports[name] = (callback: () => void, ms: number) =>
          setTimeout(callback, ms >>> 0).unref();
      }
    }
    const { instance } = await WebAssembly.instantiate(new Uint8Array(wasm), {
      "./schema_engine_bg.js": imports as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings.SchemaEngine;
  })();
  return engineFactory;
}

interface QueryResultLike {
  fields?: { dataTypeID: number }[];
  rows?: object;
}
const pgCharOid = 18;
const pgTextOid = 25;
/** Result rows whose columns were relabelled from "char" to text, by column position. */
const charColumnsOfRows = new WeakMap<object, number[]>();

function relabelCharColumns<T>(result: T): T {
  for (const part of (Array.isArray(result) ? result : [result]) as (
    | QueryResultLike
    | undefined
  )[]) {
    const positions: number[] = [];
    part?.fields?.forEach((field, position) => {
      if (field.dataTypeID === pgCharOid) {
        field.dataTypeID = pgTextOid;
        positions.push(position);
      }
    });
    if (positions.length > 0 && part?.rows) charColumnsOfRows.set(part.rows, positions);
  }
  return result;
}

/**
 * The engine reads catalog columns of Postgres' internal `"char"` type (pg_constraint.contype, as
 * soon as a CHECK constraint exists). adapter-pg refuses that type, and passing it on as text makes
 * the engine panic reading it "as char". So this client relabels such columns as text for
 * adapter-pg, remembering which they were, and `typeCharColumns` gives them back their type.
 */
class CharAwareClient extends pg.Client {
  // @ts-expect-error one implementation serves pg's callback and promise overloads alike
  override query(...args: unknown[]): unknown {
    const callbackIndex = args.findIndex((arg) => typeof arg === "function");
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (error: unknown, result: unknown) => void;
      args[callbackIndex] = (error: unknown, result: unknown) =>
        callback(error, error ? result : relabelCharColumns(result));
    }
    const output = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    return callbackIndex < 0 && output instanceof Promise
      ? output.then(relabelCharColumns)
      : output;
  }
}

interface Queryable {
  queryRaw(query: unknown): Promise<{ rows: object; columnTypes: number[] }>;
}

function typeCharColumns<Q>(queryable: Q): Q {
  const target = queryable as unknown as Queryable;
  const queryRaw = target.queryRaw.bind(target);
  target.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const position of charColumnsOfRows.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[position] = ColumnTypeEnum.Character;
    }
    return resultSet;
  };
  return queryable;
}

function engineAdapter(url: string): PrismaPg {
  return new PrismaPg({
    connectionString: url,
    Client: CharAwareClient,
  } as unknown as ConstructorParameters<typeof PrismaPg>[0]);
}

interface Disposable {
  dispose(): Promise<void>;
}

interface EngineConnection extends Queryable, Disposable {
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
  executeScript(script: string): Promise<void>;
  startTransaction(...args: unknown[]): Promise<unknown>;
}

/**
 * Opens a connection for the engine, with two repairs. Char-typed catalog columns keep their type
 * (see CharAwareClient), in transactions too. And scripts run whole: adapter-pg splits a migration
 * on every ";", which breaks dollar-quoted function bodies and semicolons in strings, while
 * Postgres' simple query protocol takes the whole script, as the native engine sends it.
 */
async function connectForEngine(url: string) {
  const connection = await engineAdapter(url).connect();
  const repaired = typeCharColumns(connection) as unknown as EngineConnection;
  const startTransaction = repaired.startTransaction.bind(repaired);
  repaired.startTransaction = async (...args) => typeCharColumns(await startTransaction(...args));
  repaired.executeScript = async (script) => {
    try {
      await repaired.client.query(script);
    } catch (error) {
      repaired.onError(error);
    }
  };
  return connection;
}

/**
 * Runs `work` with a Migrate instance over the WASM engine. `Migrate.setup()` only knows the native
 * engine, so the engine wrapper and Migrate are built by hand. adapter-pg's own
 * `connectToShadowDb()` would connect to the MAIN database (a connection string wins over the
 * database name it overrides), so every shadow connection gets a scratch database of its own,
 * dropped when the engine lets go of it.
 */
async function withMigrate<T>(
  options: MigrateOptions,
  work: (migrate: MigrateApi) => Promise<T>,
): Promise<T> {
  const schemaPath = options.schemaPath ?? join(repoRoot, "prisma", "schema.prisma");
  const schemaFiles: [string, string][] = [[schemaPath, await readFile(schemaPath, "utf8")]];
  const main = engineAdapter(options.databaseUrl);
  // Migrate.stop() frees the engine but not the connections it opened, and the engine's session
  // holds Prisma's advisory lock: left open, the next run would wait for it. Track and close them.
  const open: Disposable[] = [];
  const track = <A extends Disposable>(adapter: A): A => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      disposed ??= dispose();
      return disposed;
    };
    open.push(adapter);
    return adapter;
  };
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => track(await connectForEngine(options.databaseUrl)),
    connectToShadowDb: async () => {
      const shadow = await createScratchDatabase(options.databaseUrl, "credits_shadow");
      const adapter = await connectForEngine(shadow.url);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadow.drop();
      };
      return track(adapter);
    },
  });
  const engine = await (await loadEngine()).new({ datamodels: schemaFiles }, () => {}, factory);
  const migrate = new Migrate({
    engine: new SchemaEngineWasm({ engine, errorRegistry: factory.errorRegistry }),
    schemaContext: { schemaFiles },
    migrationsDirPath: resolve(options.migrationsDir ?? join(repoRoot, "prisma", "migrations")),
  });
  try {
    return await work(migrate);
  } finally {
    await migrate.stop();
    await Promise.all(open.map((adapter) => adapter.dispose()));
  }
}

/** Applies pending migrations, like `prisma migrate deploy`; returns the names it applied. */
export function migrateDeploy(options: MigrateOptions): Promise<string[]> {
  return withMigrate(
    options,
    async (migrate) => (await migrate.applyMigrations()).appliedMigrationNames,
  );
}

/**
 * Folder names start with a UTC timestamp in whole seconds and replay in name order, so a
 * migration created within the same second as the newest one could sort before it.
 */
async function waitForNextSecondAfter(newestMigration: string | undefined): Promise<void> {
  const newest = (newestMigration ?? "").slice(0, 14);
  const now = () => new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  // Bounded: a migration named with a future timestamp must not hang the command.
  for (let waited = 0; waited < 1500 && now() <= newest; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Like `prisma migrate dev --name <name>`: applies pending migrations, then, if the schema differs
 * from what the migrations build (computed on a shadow database), writes
 * `<timestamp>_<name>/migration.sql` and applies it. It never resets a database: drift, an edited
 * or a failed migration is an error, and so is data loss unless `acceptDataLoss`.
 */
export function migrateDev(
  options: MigrateOptions & { name: string; acceptDataLoss?: boolean; createOnly?: boolean },
): Promise<{ applied: string[]; created: string | null }> {
  return withMigrate(options, async (migrate) => {
    const refuseReset = async () => {
      const { action } = await migrate.devDiagnostic();
      if (action.tag === "reset") {
        throw new Error(`The database needs a reset before migrating: ${action.reason}`);
      }
    };
    await refuseReset();
    const applied = (await migrate.applyMigrations()).appliedMigrationNames;
    await refuseReset();
    const loss = await migrate.evaluateDataLoss();
    if (loss.unexecutableSteps.length > 0) {
      throw new Error(loss.unexecutableSteps.map((step) => step.message).join("\n"));
    }
    if (loss.warnings.length > 0 && !options.acceptDataLoss) {
      const warnings = loss.warnings.map((warning) => warning.message).join("\n");
      throw new Error(`This migration would lose data (pass --accept-data-loss):\n${warnings}`);
    }
    // Like the CLI, --create-only writes a migration even without a schema change (an empty one
    // to fill with hand-written SQL); otherwise no change means nothing to create.
    if (loss.migrationSteps === 0 && !options.createOnly) return { applied, created: null };
    await waitForNextSecondAfter((await migrate.listMigrationDirectories()).migrations.at(-1));
    const { generatedMigrationName } = await migrate.createMigration({
      migrationName: options.name,
      draft: Boolean(options.createOnly),
      schema: migrate.getPrismaSchema(),
    });
    if (!options.createOnly)
      applied.push(...(await migrate.applyMigrations()).appliedMigrationNames);
    return { applied, created: generatedMigrationName ?? null };
  });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Recorded in `_prisma_migrations` but missing from the migrations folder. */
  unknownInDatabase: string[];
  failed: string[];
  edited: string[];
  upToDate: boolean;
}

/** Like `prisma migrate status`: which migrations are applied and pending, and whether all is in sync. */
export function migrateStatus(options: MigrateOptions): Promise<MigrationStatus> {
  return withMigrate(options, async (migrate) => {
    const local = (await migrate.listMigrationDirectories()).migrations;
    const diagnosis = await migrate.diagnoseMigrationHistory({ optInToShadowDatabase: false });
    const pending = diagnosis.history?.unappliedMigrationNames ?? [];
    return {
      applied: local.filter((name) => !pending.includes(name)),
      pending,
      unknownInDatabase: diagnosis.history?.unpersistedMigrationNames ?? [],
      failed: diagnosis.failedMigrationNames,
      edited: diagnosis.editedMigrationNames,
      upToDate: diagnosis.history === null && diagnosis.failedMigrationNames.length === 0,
    };
  });
}
