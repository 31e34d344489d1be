export {
  DatabaseUnavailableError,
  databaseUnavailableReason,
  isWriteConflict,
} from "./availability.ts";
export type { Database, PoolStats } from "./client.ts";
export { createDatabaseClient, disconnectDb, getDb, poolStats } from "./client.ts";
export {
  databaseEnvSchema,
  loadRootEnvFile,
  parseEnvironment,
  readDatabaseEnv,
} from "./env.ts";
export * from "./generated/prisma/client.ts";
