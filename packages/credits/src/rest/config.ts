// Settings of the REST API, read once from the environment.
import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";
import { type SecurityHeaderSettings, securityEnvSchema } from "../http/security-headers.ts";

/** The bootstrap token of development (`pnpm dev`) when none is set; never accepted in production. */
export const developmentServiceToken = "dev-service-token-for-local-use-only-0000";

export const serviceApiEnvSchema = z.object({
  /** Bootstraps a service token with every scope (e.g. for the first backend, or CI). */
  CREDITS_SERVICE_TOKEN: z
    .string()
    .min(32, { error: "must be at least 32 characters (openssl rand -base64 32)" })
    .refine((token) => process.env.NODE_ENV !== "production" || token !== developmentServiceToken, {
      error: "must not be the development token in production",
    })
    .optional(),
  /** Shared rate-limit counters across instances; in memory (per process) when unset. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: "must be a redis:// or rediss:// URL" })
    .optional(),
  RATE_LIMIT_TOKEN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6_000),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; public when unset. */
  METRICS_TOKEN: z
    .string()
    .min(16, { error: "must be at least 16 characters (openssl rand -base64 24)" })
    .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" })
    .optional(),
  /** Proxies in front of the server; only then X-Forwarded-Proto: https brings HSTS. */
  AUTH_TRUSTED_PROXIES: securityEnvSchema.shape.AUTH_TRUSTED_PROXIES,
  /** The least severe log level written (observability/logger.ts reads it). */
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /**
   * Group commit of spends (service/group-commit.ts): spends arriving while one database call is in
   * flight go together as the next call. `off` sends each as its own statement.
   */
  CREDITS_GROUP_COMMIT: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
  /** The most spends one group-commit call carries. */
  CREDITS_GROUP_COMMIT_MAX_BATCH: z.coerce.number().int().min(2).max(1_000).default(64),
  /** The most group-commit calls in flight at once (on as many connections); 1: one at a time. */
  CREDITS_GROUP_COMMIT_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(1),
});

export interface ServiceApiConfig {
  bootstrapToken: string | undefined;
  redisUrl: string | undefined;
  limits: { tokenPerMinute: number; userPerMinute: number };
  /** Required of /metrics scrapers when set. */
  metricsToken: string | undefined;
  /** Group commit of spends: null when off, else the most spends per call and calls at once. */
  groupCommit: { maxBatch: number; maxInFlight: number } | null;
  /** What the security headers of its answers depend on (http/security-headers.ts). */
  security: SecurityHeaderSettings;
}

export function serviceApiConfigFrom(source: Record<string, string | undefined>): ServiceApiConfig {
  const env = parseEnvironment(serviceApiEnvSchema, "the service API", source);
  const development = source.NODE_ENV === "development";
  return {
    bootstrapToken:
      env.CREDITS_SERVICE_TOKEN ?? (development ? developmentServiceToken : undefined),
    redisUrl: env.REDIS_URL,
    limits: {
      tokenPerMinute: env.RATE_LIMIT_TOKEN_PER_MINUTE,
      userPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
    },
    metricsToken: env.METRICS_TOKEN,
    groupCommit:
      env.CREDITS_GROUP_COMMIT === "on"
        ? {
            maxBatch: env.CREDITS_GROUP_COMMIT_MAX_BATCH,
            maxInFlight: env.CREDITS_GROUP_COMMIT_IN_FLIGHT,
          }
        : null,
    security: { trustedProxies: env.AUTH_TRUSTED_PROXIES, development },
  };
}
