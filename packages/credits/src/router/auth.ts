import {
  ChangePasswordInput,
  changePassword,
  defaultSignInThrottle,
  describeSignInLink,
  endAllSessions,
  RedeemSignInLinkInput,
  redeemSignInLink,
  SignInLinkInput,
  SignUpInput,
  signUp,
} from "@credits/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, publicProcedure } from "../trpc.ts";

/** What ending a user's sessions answers: the caller's own ended too, so it signs in again. */
const SessionsEnded = z.object({ sessionsEnded: z.literal(true) });

/** Account creation with email and password; signing in itself goes through next-auth. */
export const authRouter = {
  signUp: publicProcedure
    .input(SignUpInput)
    .output(z.object({ id: z.string(), email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const user = await signUp(ctx.db, input);
      return { id: user.id, email: user.email };
    }),

  /** A new password, which ends all the caller's sessions (the page signs in again with it). */
  changePassword: protectedProcedure
    .input(ChangePasswordInput)
    .output(SessionsEnded)
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.session.user.id;
      await changePassword(ctx.db, defaultSignInThrottle(), { ...input, userId });
      return { sessionsEnded: true as const };
    }),

  /** Ends every session of the caller's, on every device and in both apps ("sign out everywhere"). */
  signOutEverywhere: protectedProcedure.output(SessionsEnded).mutation(async ({ ctx }) => {
    await endAllSessions(ctx.db, ctx.session.user.id);
    return { sessionsEnded: true as const };
  }),

  /** What a sign-in link's page shows before the customer chooses a password (see sign-in-links). */
  signInLink: publicProcedure
    .input(SignInLinkInput)
    .output(z.object({ email: z.string().nullable(), name: z.string().nullable() }))
    .query(({ ctx, input }) => describeSignInLink(ctx.db, input.token)),

  /** Redeems a sign-in link: the customer's password (and email) is set, then the page signs in. */
  redeemSignInLink: publicProcedure
    .input(RedeemSignInLinkInput)
    .output(z.object({ email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const user = await redeemSignInLink(ctx.db, input);
      return { email: user.email };
    }),
} satisfies TRPCRouterRecord;
