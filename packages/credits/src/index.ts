import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export * from "./errors.ts";
export * from "./history-filter.ts";
export * from "./plans.ts";
export { serviceApiConfigFrom, serviceApiEnvSchema } from "./rest/config.ts";
export { openApiDocument } from "./rest/openapi.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export * from "./schemas/admin.ts";
export * from "./schemas/auto-topup.ts";
export * from "./schemas/billing.ts";
export * from "./schemas/common.ts";
export * from "./schemas/credits.ts";
export * from "./schemas/holds.ts";
export * from "./schemas/tokens.ts";
export * from "./schemas/usage.ts";
export * from "./schemas/webhooks.ts";
export { eventTypes, optInEventTypes } from "./service/events/catalogue.ts";
export { historyCsv } from "./service/export.ts";
export { checkDatabase, type DatabaseHealth } from "./service/health.ts";
export { captureHold, releaseHold, reserveHold } from "./service/holds.ts";
export { runExpirySweep } from "./service/maintenance.ts";
export {
  adjustCredits,
  createPurchase,
  grantCredits,
  refundPurchase,
  spendCredits,
} from "./service/operations.ts";
export {
  balanceAt,
  getBalances,
  listActiveGrants,
  listHistory,
  listPurchases,
} from "./service/queries.ts";
export { lowBalanceEnvSchema } from "./service/thresholds/default.ts";
export { transferCredits } from "./service/transfers.ts";
export { type Actor, systemActor } from "./service/types.ts";
export { trackUsage } from "./service/usage.ts";
export { type LedgerViolation, verifyLedger } from "./service/verify.ts";
export { webhookEnvSchema } from "./service/webhooks/config.ts";
export {
  type BillingConfig,
  billingConfigFrom,
  billingEnvSchema,
  getBillingConfig,
  paymentsConfigured,
} from "./stripe/config.ts";
export {
  handleStripeWebhookRequest,
  processStripeEvent,
  receiveStripeWebhook,
} from "./stripe/webhook.ts";
export {
  adminProcedure,
  type CreditsContext,
  protectedProcedure,
  publicProcedure,
  type SessionUser,
} from "./trpc.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
