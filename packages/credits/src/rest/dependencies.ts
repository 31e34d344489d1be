// What the REST handler runs on, made from the environment the same way by every server that
// serves it (apps/web's API routes, apps/service, the benchmark's plain server).
import { createMemoryRateLimiter, createRedisRateLimiter } from "@credits/auth";
import { getDb } from "@credits/db";
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
  const db = getDb();
  if (config.groupCommit)
    enableGroupCommit(db, config.groupCommit, (spend) => debitOutcome(db, spend));
  return {
    db,
    billing: getBillingConfig(),
    config,
    limiter: config.redisUrl ? createRedisRateLimiter(config.redisUrl) : createMemoryRateLimiter(),
  };
}
