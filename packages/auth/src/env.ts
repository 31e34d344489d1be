import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";

const developmentSecret = "development-only-secret-never-use-in-production-000";

/** Auth settings. AUTH_SECRET signs session tokens: required in production, defaulted in development. */
export const authEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    AUTH_SECRET: z
      .string()
      .min(32, { error: "must be at least 32 characters (openssl rand -base64 32)" })
      .optional(),
    AUTH_GITHUB_ID: z.string().min(1).optional(),
    AUTH_GITHUB_SECRET: z.string().min(1).optional(),
    AUTH_GOOGLE_ID: z.string().min(1).optional(),
    AUTH_GOOGLE_SECRET: z.string().min(1).optional(),
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
  .transform((env) => ({ ...env, AUTH_SECRET: env.AUTH_SECRET ?? developmentSecret }));

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function readAuthEnv(source: NodeJS.ProcessEnv = process.env): AuthEnv {
  return parseEnvironment(authEnvSchema, "auth", source);
}
