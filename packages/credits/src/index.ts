import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { type AppRouter, appRouter, createCaller } from "./root.ts";
export { checkDatabase, type DatabaseHealth } from "./service/health.ts";
export {
  adminProcedure,
  type CreditsContext,
  createCreditsContext,
  protectedProcedure,
  publicProcedure,
  type SessionUser,
} from "./trpc.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
