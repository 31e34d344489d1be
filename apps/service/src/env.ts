// The service's environment, validated once at startup: the same variables as the apps' REST API
// (database, billing, tokens, limits), plus where to listen.
import { billingEnvSchema, lowBalanceEnvSchema } from "@credits/credits";
import { serviceApiEnvSchema, webhookEnvSchema } from "@credits/credits/node";
import { databaseEnvSchema, parseEnvironment } from "@credits/db/env";
import { z } from "zod";

export const serviceEnvSchema = databaseEnvSchema.extend({
  ...billingEnvSchema.shape,
  ...lowBalanceEnvSchema.shape,
  ...serviceApiEnvSchema.shape,
  ...webhookEnvSchema.shape,
  /** The port of the REST API. */
  SERVICE_PORT: z.coerce.number().int().min(0).max(65_535).default(3002),
  /** The port of the gRPC CreditService (h2c); its own, as HTTP/2 does not share node:http's. */
  GRPC_PORT: z.coerce.number().int().min(0).max(65_535).default(3003),
  /** The address to listen on: every interface by default, as a deployable service does. */
  SERVICE_HOST: z.string().min(1).default("0.0.0.0"),
});

export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

export function readServiceEnv(source: Record<string, string | undefined>): ServiceEnv {
  return parseEnvironment(serviceEnvSchema, "apps/service", source);
}
