// What the REST handler runs on, made from the environment the same way by every server that
// serves it (apps/web's API routes, apps/service, the benchmark's plain server).
import { createMemoryRateLimiter, createRedisRateLimiter } from "@credits/auth";
import { type Database, getDb } from "@credits/db";
import { debitOutcome } from "../service/debit-statement.ts";
import { enableGroupCommit } from "../service/group-commit.ts";
import { getBillingConfig } from "../stripe/config.ts";
import { serviceApiConfigFrom } from "./config.ts";
import type { RestDependencies } from "./handler.ts";

/**
 * The process's database, billing and API settings; rate limits in Redis when REDIS_URL is set;
 * the database's spends under group commit unless CREDITS_GROUP_COMMIT is off.
 */
export function restDependenciesFrom(env: Record<string, string | undefined>): RestDependencies {
  const config = serviceApiConfigFrom(env);
  return {
    db: servingDatabase(env),
    billing: getBillingConfig(),
    config,
    limiter: config.redisUrl ? createRedisRateLimiter(config.redisUrl) : createMemoryRateLimiter(),
  };
}

const configured = new WeakSet<Database>();

/**
 * The process's database, its spends under group commit unless CREDITS_GROUP_COMMIT is off: what
 * the REST API and the apps' tRPC spend through, so a web app's spends batch whether or not it
 * also serves REST. The environment is read once per process.
 */
export function servingDatabase(env: Record<string, string | undefined> = process.env): Database {
  const db = getDb();
  if (configured.has(db)) return db;
  const { groupCommit } = serviceApiConfigFrom(env);
  if (groupCommit) enableGroupCommit(db, groupCommit, (spend) => debitOutcome(db, spend));
  configured.add(db);
  return db;
}
