// Prisma 7 configuration, for the Prisma CLI on machines that can run its native engine.
// Here migrations run through `pnpm db:migrate` (packages/db/src/migrate.ts); both read the same files.
import { defineConfig } from "prisma/config";

try {
  process.loadEnvFile(".env");
} catch {
  // No .env file: the environment alone configures the database.
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
