// The router's procedures as data, read from appRouter itself (so a procedure added tomorrow is
// covered without anyone listing it), and calling one by its path: for the authorization matrix
// and the tRPC fuzzing, which both go through every procedure.
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { appRouter, type createCaller } from "../src/root.ts";

type Caller = ReturnType<typeof createCaller>;

interface ProcedureDefinition {
  _def: { type: string; inputs: z.ZodType[] };
}

/**
 * Every procedure of the router with its kind and input schema (none for procedures without
 * input). tRPC keeps them flat by path ("admin.users.get"), whatever its types say.
 */
export const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, ProcedureDefinition>,
).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  input: procedure._def.inputs[0] as z.ZodType | undefined,
}));

/** Procedures anyone may call. One is added here on purpose, never by default. */
export const publicProcedures = [
  "auth.redeemSignInLink",
  "auth.signInLink",
  "auth.signUp",
  "billing.creditPacks",
  "health.check",
  "subscriptions.plans",
].sort();

/**
 * Calls a procedure by its path with `input` (undefined: none, which every procedure with an input
 * refuses after the access checks). A subscription's stream is closed at once. Answers the error
 * code, or "ok"; anything thrown that is not a tRPC error is thrown on.
 */
export async function outcomeOf(caller: Caller, path: string, input?: unknown): Promise<string> {
  const procedure = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  try {
    const result = await procedure(input);
    if (result && typeof result === "object" && Symbol.asyncIterator in result) {
      await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
    }
    return "ok";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
