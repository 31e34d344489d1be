import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  UsageByDayInput,
  UsageCheckInput,
  UsageCheckResult,
  UsageTrackInput,
  UsageTrackResult,
} from "../schemas/usage.ts";
import { checkUsage, trackUsage, usageByDay } from "../service/usage.ts";
import { protectedProcedure } from "../trpc.ts";

/** The signed-in user's use of plan features. */
export const usageRouter = {
  check: protectedProcedure
    .input(UsageCheckInput)
    .output(UsageCheckResult)
    .query(({ ctx, input }) => checkUsage(ctx.db, ctx.billing, ctx.session.user.id, input)),

  track: protectedProcedure
    .input(UsageTrackInput)
    .output(UsageTrackResult)
    .mutation(({ ctx, input }) =>
      trackUsage(ctx.db, ctx.billing, ctx.actor, ctx.session.user.id, input),
    ),

  byDay: protectedProcedure
    .input(UsageByDayInput)
    .output(z.array(z.object({ day: z.string(), feature: z.string(), quantity: z.number() })))
    .query(({ ctx, input }) => usageByDay(ctx.db, ctx.session.user.id, input.days)),
} satisfies TRPCRouterRecord;
