import { SignUpInput, signUp } from "@credits/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.ts";

/** Account creation with email and password; signing in itself goes through next-auth. */
export const authRouter = {
  signUp: publicProcedure
    .input(SignUpInput)
    .output(z.object({ id: z.string(), email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const user = await signUp(ctx.db, input);
      return { id: user.id, email: user.email };
    }),
} satisfies TRPCRouterRecord;
