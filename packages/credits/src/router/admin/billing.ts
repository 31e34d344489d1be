import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  AdminCancelInput,
  AdminResumeInput,
  AdminSetTierInput,
  PaidTierName,
  StripeEventDetail,
  StripeEventIdInput,
  StripeEventPage,
  StripeEventRetryOutcome,
  StripeEventsListInput,
  SubscriptionView,
  TierMembersPage,
} from "../../schemas/billing.ts";
import {
  cancelAsOperator,
  resumeAsOperator,
  setTierAsOperator,
} from "../../service/billing/operator.ts";
import { listTierMembers } from "../../service/billing/overview.ts";
import {
  getStripeEvent,
  listStripeEvents,
  retryStripeEvent,
} from "../../service/billing/stripe-events.ts";
import { adminProcedure } from "../../trpc.ts";

/** Operators' subscription tools; with Stripe configured they act through Stripe. */
export const adminSubscriptionsRouter = {
  setTier: adminProcedure
    .input(AdminSetTierInput)
    .output(SubscriptionView)
    .mutation(({ ctx, input }) => setTierAsOperator(ctx.db, ctx.billing, ctx.actor, input)),

  cancel: adminProcedure
    .input(AdminCancelInput)
    .output(SubscriptionView)
    .mutation(({ ctx, input }) => cancelAsOperator(ctx.db, ctx.billing, ctx.actor, input)),

  resume: adminProcedure
    .input(AdminResumeInput)
    .output(SubscriptionView)
    .mutation(({ ctx, input }) => resumeAsOperator(ctx.db, ctx.billing, ctx.actor, input)),

  /** Everyone on a paid tier, a page at a time: the recipients of a bulk grant by tier. */
  members: adminProcedure
    .input(
      z.object({
        tier: PaidTierName,
        cursor: z.uuid().nullish(),
        limit: z.number().int().min(1).max(100).default(100),
      }),
    )
    .output(TierMembersPage)
    .query(({ ctx, input }) => listTierMembers(ctx.db, input.tier, input.cursor, input.limit)),
} satisfies TRPCRouterRecord;

/** The received Stripe webhook events, and retrying the ones that failed. */
export const adminStripeEventsRouter = {
  list: adminProcedure
    .input(StripeEventsListInput)
    .output(StripeEventPage)
    .query(({ ctx, input }) => listStripeEvents(ctx.db, input)),

  get: adminProcedure
    .input(StripeEventIdInput)
    .output(StripeEventDetail)
    .query(({ ctx, input }) => getStripeEvent(ctx.db, input.eventId)),

  retry: adminProcedure
    .input(StripeEventIdInput)
    .output(StripeEventRetryOutcome)
    .mutation(({ ctx, input }) => retryStripeEvent(ctx.db, ctx.billing, ctx.actor, input.eventId)),
} satisfies TRPCRouterRecord;
