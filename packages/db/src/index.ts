export type { Database } from "./client.ts";
export { createDatabaseClient, disconnectDb, getDb } from "./client.ts";
export {
  databaseEnvSchema,
  loadRootEnvFile,
  parseEnvironment,
  readDatabaseEnv,
} from "./env.ts";
export * from "./generated/prisma/client.ts";
