// Demo data for development and tests: an operator and a customer, created idempotently
// (running it again changes nothing). `pnpm db:seed` seeds the database in DATABASE_URL.
import { pathToFileURL } from "node:url";
import { createDatabaseClient } from "@credits/db";
import { loadRootEnvFile } from "@credits/db/env";

export const demoUsers = {
  admin: { email: "admin@example.com", name: "Ada Admin", role: "ADMIN" },
  user: { email: "user@example.com", name: "Uma User", role: "USER" },
} as const;

/** Creates the demo users unless they exist. */
export async function seedDemoData(databaseUrl: string): Promise<void> {
  const db = createDatabaseClient(databaseUrl, { poolMax: 2 });
  try {
    for (const user of Object.values(demoUsers)) {
      await db.user.upsert({ where: { email: user.email }, create: user, update: {} });
    }
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  loadRootEnvFile(new URL("..", import.meta.url).pathname);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("DATABASE_URL is not set: `pnpm dev` seeds the embedded database by itself.");
    process.exit(1);
  }
  await seedDemoData(databaseUrl);
  console.log(
    `Seeded demo users: ${Object.values(demoUsers)
      .map((u) => u.email)
      .join(", ")}`,
  );
}
