import { adminRouter } from "./router/admin/index.ts";
import { authRouter } from "./router/auth.ts";
import { billingRouter } from "./router/billing.ts";
import { creditsRouter } from "./router/credits.ts";
import { healthRouter } from "./router/health.ts";
import { purchasesRouter } from "./router/purchases.ts";
import { subscriptionsRouter } from "./router/subscriptions.ts";
import { usageRouter } from "./router/usage.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  auth: authRouter,
  credits: creditsRouter,
  purchases: purchasesRouter,
  subscriptions: subscriptionsRouter,
  billing: billingRouter,
  usage: usageRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** A server-side caller, for server components and for tests that call procedures directly. */
export const createCaller = createCallerFactory(appRouter);
