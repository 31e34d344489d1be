import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { plans, tiers } from "../plans.ts";
import {
  ChangePlanInput,
  CheckoutInput,
  PlanCatalog,
  RedirectResult,
  SubscriptionView,
} from "../schemas/billing.ts";
import { QuotaStatus } from "../schemas/usage.ts";
import { openBillingPortal, startSubscriptionCheckout } from "../service/billing/checkout.ts";
import {
  cancelSubscription,
  changePlan,
  getSubscription,
  resumeSubscription,
} from "../service/billing/plan-changes.ts";
import { listQuotas } from "../service/usage.ts";
import { protectedProcedure, publicProcedure } from "../trpc.ts";

/** The signed-in user's plan: what it is, what it allows, and changing it through Stripe. */
export const subscriptionsRouter = {
  get: protectedProcedure
    .output(SubscriptionView)
    .query(({ ctx }) => getSubscription(ctx.db, ctx.billing, ctx.session.user.id)),

  /** The plan catalog; public, so a pricing page can show it to visitors. */
  plans: publicProcedure.output(PlanCatalog).query(() => tiers.map((tier) => plans[tier])),

  quotas: protectedProcedure
    .output(z.array(QuotaStatus))
    .query(({ ctx }) => listQuotas(ctx.db, ctx.billing, ctx.session.user.id)),

  checkout: protectedProcedure
    .input(CheckoutInput)
    .output(RedirectResult)
    .mutation(({ ctx, input }) =>
      startSubscriptionCheckout(ctx.db, ctx.billing, ctx.session.user.id, input.tier, ctx.origin),
    ),

  change: protectedProcedure
    .input(ChangePlanInput)
    .output(SubscriptionView)
    .mutation(({ ctx, input }) => changePlan(ctx.db, ctx.billing, ctx.session.user.id, input.tier)),

  cancel: protectedProcedure
    .output(SubscriptionView)
    .mutation(({ ctx }) => cancelSubscription(ctx.db, ctx.billing, ctx.session.user.id)),

  resume: protectedProcedure
    .output(SubscriptionView)
    .mutation(({ ctx }) => resumeSubscription(ctx.db, ctx.billing, ctx.session.user.id)),

  portal: protectedProcedure
    .output(RedirectResult)
    .mutation(({ ctx }) => openBillingPortal(ctx.db, ctx.billing, ctx.session.user.id, ctx.origin)),
} satisfies TRPCRouterRecord;
