import { healthRouter } from "./router/health.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  health: healthRouter,
});

export type AppRouter = typeof appRouter;

/** A server-side caller, for server components and for tests that call procedures directly. */
export const createCaller = createCallerFactory(appRouter);
