// `pnpm dev`: the database (DATABASE_URL, or the embedded Postgres kept in .data/), its migrations
// and demo data, then both apps and the credits service in development mode through turbo.

import { openDevelopmentDatabase } from "@credits/db/embedded";
import { loadRootEnvFile } from "@credits/db/env";
import { migrateDeploy } from "@credits/db/migrate";
import { demoPassword, demoUsers, seedDemoData } from "../prisma/seed.ts";
import { repoRoot, run } from "./run.ts";

loadRootEnvFile(repoRoot);
console.log("▸ starting the database…");
const database = await openDevelopmentDatabase();
const where =
  database.source === "DATABASE_URL"
    ? "the server in DATABASE_URL"
    : `${database.source} (data in .data/pglite)`;
console.log(`▸ database: ${where} — ${database.url}`);

const applied = await migrateDeploy({ databaseUrl: database.url });
console.log(`▸ migrations: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
await seedDemoData(database.url);
console.log(
  `▸ demo sign-in (password "${demoPassword}"): ${Object.values(demoUsers)
    .map((user) => `${user.email} (${user.role})`)
    .join(", ")}`,
);
console.log(
  "▸ starting apps/web on http://localhost:3000, apps/admin on http://localhost:3001 and the credits service (apps/service) on http://localhost:3002 (gRPC on localhost:3003)",
);

// Ctrl-C reaches turbo through run(); once the apps are down, the database stops too.
const code = await run("pnpm", ["exec", "turbo", "run", "dev"], {
  cwd: repoRoot,
  env: { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" },
});
await database.stop();
process.exit(code);
