// `pnpm db:migrate` (deploy), `pnpm db:migrate:dev --name X` (dev), `pnpm db:status` (status):
// Prisma's migrate commands through the WASM schema engine, on DATABASE_URL or the embedded database.
import { parseArgs } from "node:util";
import { openDevelopmentDatabase } from "../embedded.ts";
import { loadRootEnvFile } from "../env.ts";
import { migrateDeploy, migrateDev, migrateStatus } from "../migrate.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    "create-only": { type: "boolean", default: false },
    "accept-data-loss": { type: "boolean", default: false },
  },
});
const command = positionals[0];
if (command !== "deploy" && command !== "dev" && command !== "status") {
  console.error(
    "usage: migrate deploy | dev --name NAME [--create-only] [--accept-data-loss] | status",
  );
  process.exit(2);
}
if (command === "dev" && !values.name?.match(/^[a-z0-9_]+$/)) {
  console.error(
    "migrate dev needs --name made of lowercase letters, digits and _ (e.g. --name add_holds)",
  );
  process.exit(2);
}

loadRootEnvFile(new URL("../../../..", import.meta.url).pathname);
const database = await openDevelopmentDatabase();
let exitCode = 0;
try {
  if (command === "deploy") {
    const applied = await migrateDeploy({ databaseUrl: database.url });
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
  } else if (command === "dev") {
    const result = await migrateDev({
      databaseUrl: database.url,
      name: values.name ?? "",
      createOnly: values["create-only"],
      acceptDataLoss: values["accept-data-loss"],
    });
    console.log(
      result.created
        ? `Created ${result.created}`
        : "The schema matches the migrations; nothing to create.",
    );
    if (result.applied.length) console.log(`Applied: ${result.applied.join(", ")}`);
  } else {
    const status = await migrateStatus({ databaseUrl: database.url });
    console.log(`Applied (${status.applied.length}): ${status.applied.join(", ") || "none"}`);
    console.log(`Pending (${status.pending.length}): ${status.pending.join(", ") || "none"}`);
    for (const [label, names] of [
      ["Failed", status.failed],
      ["Edited after applying", status.edited],
      ["In the database only", status.unknownInDatabase],
    ] as const) {
      if (names.length) console.log(`${label}: ${names.join(", ")}`);
    }
    console.log(status.upToDate ? "Database is up to date." : "Database is NOT up to date.");
    if (!status.upToDate) exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
} finally {
  await database.stop();
}
process.exit(exitCode);
