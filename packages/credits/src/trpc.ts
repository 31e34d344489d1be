import type { Database } from "@credits/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";

/** Who is calling: the signed-in user as the auth layer resolved it, or nobody. */
export interface SessionUser {
  id: string;
  email: string;
  role: "USER" | "ADMIN";
}

export interface CreditsContext {
  db: Database;
  session: { user: SessionUser } | null;
}

/** Apps build the context per request: the shared database client and the caller's session. */
export function createCreditsContext(input: CreditsContext): CreditsContext {
  return input;
}

const t = initTRPC.context<CreditsContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // Stack traces never leave the server, whatever the environment.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, data: { ...data, fieldErrors: zodError?.fieldErrors ?? null } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

/** Signed-in callers only; `ctx.session` is non-null inside. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  }
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Operators only: the role is checked here, on the server, for every admin procedure. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.session.user.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This action needs an administrator." });
  }
  return next({ ctx });
});
