import { EmailTakenError, SignUpInput, signUp } from "@credits/auth";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.ts";

/** Account creation with email and password; signing in itself goes through next-auth. */
export const authRouter = {
  signUp: publicProcedure
    .input(SignUpInput)
    .output(z.object({ id: z.string(), email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      try {
        const user = await signUp(ctx.db, input);
        return { id: user.id, email: user.email };
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
        }
        throw error;
      }
    }),
};
