import { billingEnvSchema, lowBalanceEnvSchema, webhookEnvSchema } from "@credits/credits";
import { databaseEnvSchema, parseEnvironment } from "@credits/db/env";
import { z } from "zod";

/** The admin app's environment, validated once at build and startup. */
export const env = parseEnvironment(
  databaseEnvSchema.extend({
    ...billingEnvSchema.shape,
    ...lowBalanceEnvSchema.shape,
    ...webhookEnvSchema.shape,
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  }),
  "apps/admin",
);
