import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";
import { developmentHosts, isHostEntry, parseHostList } from "./hosts.ts";

/**
 * AUTH_TRUSTED_PROXIES: how many reverse proxies in front of the app append the caller's address to
 * X-Forwarded-For (and set X-Forwarded-Proto). 0 (the default): neither header is trusted, failed
 * sign-ins are limited per email only, and no answer claims HTTPS (HSTS). The security headers of
 * @credits/credits read it too.
 */
export const trustedProxiesSchema = z.coerce
  .number({ error: "must be a whole number" })
  .int({ error: "must be a whole number" })
  .min(0, { error: "must be 0 or more" })
  .max(10, { error: "must be at most 10" })
  .default(0);

const developmentSecret = "development-only-secret-never-use-in-production-000";

/**
 * Auth settings. AUTH_SECRET signs session tokens: required in production, defaulted in
 * development. The hosts sign-in may answer for (AUTH_TRUSTED_HOSTS) likewise, unless NEXTAUTH_URL
 * fixes the one URL next-auth uses.
 */
export const authEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    AUTH_SECRET: z
      .string()
      .min(32, { error: "must be at least 32 characters (openssl rand -base64 32)" })
      .optional(),
    NEXTAUTH_URL: z.url({ error: "must be a URL, e.g. https://credits.example.com" }).optional(),
    /** Comma-separated `host[:port]`s the apps are reached at; see hosts.ts. */
    AUTH_TRUSTED_HOSTS: z
      .string()
      .transform(parseHostList)
      .refine((hosts) => hosts.length > 0 && hosts.every(isHostEntry), {
        error:
          "must be a comma-separated list of host[:port] as browsers send it, e.g. credits.example.com,admin.credits.example.com",
      })
      .optional(),
    /** The port the app listens on; `next start` and `next dev` set it. */
    PORT: z
      .string()
      .regex(/^\d{1,5}$/)
      .optional(),
    AUTH_GITHUB_ID: z.string().min(1).optional(),
    AUTH_GITHUB_SECRET: z.string().min(1).optional(),
    AUTH_GOOGLE_ID: z.string().min(1).optional(),
    AUTH_GOOGLE_SECRET: z.string().min(1).optional(),
    AUTH_TRUSTED_PROXIES: trustedProxiesSchema,
    /** Failed sign-ins are counted here when set, so every instance sees them. */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, { error: "must be a redis:// or rediss:// URL" })
      .optional(),
  })
  .refine((env) => env.NODE_ENV !== "production" || env.AUTH_SECRET, {
    error: "is required in production",
    path: ["AUTH_SECRET"],
  })
  .refine((env) => env.NODE_ENV !== "production" || env.AUTH_TRUSTED_HOSTS || env.NEXTAUTH_URL, {
    error:
      "is required in production (unless NEXTAUTH_URL is set): the hosts the apps are reached at, e.g. credits.example.com",
    path: ["AUTH_TRUSTED_HOSTS"],
  })
  .transform(({ PORT, ...env }) => ({
    ...env,
    AUTH_SECRET: env.AUTH_SECRET ?? developmentSecret,
    AUTH_TRUSTED_HOSTS: env.AUTH_TRUSTED_HOSTS ?? developmentHosts(PORT),
  }));

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function readAuthEnv(source: NodeJS.ProcessEnv = process.env): AuthEnv {
  return parseEnvironment(authEnvSchema, "auth", source);
}
