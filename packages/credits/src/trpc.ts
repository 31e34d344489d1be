import type { SessionUser } from "@credits/auth";
import type { Database } from "@credits/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { asDomainError, InsufficientCreditsError, InvalidRequestError } from "./errors.ts";
import { metrics } from "./observability/metrics.ts";
import type { Actor } from "./service/types.ts";
import type { BillingConfig } from "./stripe/config.ts";

export type { SessionUser };

export interface CreditsContext {
  db: Database;
  session: { user: SessionUser } | null;
  billing: BillingConfig;
  /** Where the request came from (scheme and host): the base of links back from Stripe. */
  origin: string;
}

const t = initTRPC.context<CreditsContext>().create({
  transformer: superjson,
  // Subscriptions stream as server-sent events; pings keep proxies from closing idle streams.
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors =
      cause instanceof ZodError
        ? z.flattenError(cause).fieldErrors
        : cause instanceof InvalidRequestError && cause.field
          ? { [cause.field]: [cause.message] }
          : null;
    // Stack traces never leave the server; neither does the text of an unexpected error (it can
    // carry SQL): the client gets a plain apology and the server log has the code and path.
    const { stack: _stack, ...data } = shape.data;
    const message =
      error.code === "INTERNAL_SERVER_ERROR"
        ? "Something went wrong on our side. Please try again in a moment."
        : shape.message;
    return {
      ...shape,
      message,
      data: {
        ...data,
        fieldErrors,
        available: cause instanceof InsufficientCreditsError ? cause.available : null,
      },
    };
  },
});

/** Turns the service layer's typed errors into tRPC errors with their code from errors.ts. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const domainError = result.ok ? null : asDomainError(result.error.cause);
  if (domainError) {
    throw new TRPCError({
      code: domainError.code,
      message: domainError.message,
      cause: domainError,
    });
  }
  return result;
});

/** Counts and times every procedure call in the metrics, with the code it ended with. */
const measured = t.middleware(async ({ path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const { trpcCalls, trpcDuration } = metrics();
  trpcCalls.inc({ procedure: path, type, code: result.ok ? "OK" : result.error.code });
  trpcDuration.observe({ procedure: path, type }, (performance.now() - started) / 1000);
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(measured).use(domainErrors);

/** Signed-in callers only; `ctx.session` is non-null inside. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  }
  const actor: Actor = { type: "USER", id: ctx.session.user.id };
  return next({ ctx: { ...ctx, session: ctx.session, actor } });
});

/** Operators only: the role is checked here, on the server, for every admin procedure. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.session.user.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This action needs an administrator." });
  }
  const actor: Actor = { type: "ADMIN", id: ctx.session.user.id };
  return next({ ctx: { ...ctx, actor } });
});
