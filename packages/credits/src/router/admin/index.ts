import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  AdminOverview,
  AuditListInput,
  AuditPage,
  BulkGrantChunkInput,
  BulkGrantOutcome,
  OverviewInput,
} from "../../schemas/admin.ts";
import {
  AdjustCreditsInput,
  LedgerResult,
  RefundPurchaseInput,
  RefundResult,
} from "../../schemas/credits.ts";
import { listAudit } from "../../service/audit.ts";
import { billingOverview } from "../../service/billing/overview.ts";
import { bulkGrantChunk } from "../../service/bulk.ts";
import { adjustCredits, refundPurchase } from "../../service/operations.ts";
import { creditFlowsByDay, creditLiability } from "../../service/overview.ts";
import { adminProcedure } from "../../trpc.ts";
import { adminStripeEventsRouter, adminSubscriptionsRouter } from "./billing.ts";
import { adminTokensRouter } from "./tokens.ts";
import { adminUsersRouter } from "./users.ts";
import { adminWebhooksRouter } from "./webhooks.ts";

/** Operators' tools; every procedure checks the ADMIN role on the server. */
export const adminRouter = {
  users: adminUsersRouter,
  overview: adminProcedure
    .input(OverviewInput)
    .output(AdminOverview)
    .query(async ({ ctx, input }) => ({
      flows: await creditFlowsByDay(ctx.db, input.days),
      liability: await creditLiability(ctx.db),
      billing: await billingOverview(ctx.db),
    })),
  subscriptions: adminSubscriptionsRouter,
  stripeEvents: adminStripeEventsRouter,
  tokens: adminTokensRouter,
  webhooks: adminWebhooksRouter,
  audit: {
    list: adminProcedure
      .input(AuditListInput)
      .output(AuditPage)
      .query(({ ctx, input }) => listAudit(ctx.db, input)),
  } satisfies TRPCRouterRecord,
  credits: {
    adjust: adminProcedure
      .input(AdjustCreditsInput)
      .output(LedgerResult)
      .mutation(({ ctx, input }) => adjustCredits(ctx.db, ctx.actor, input)),
    bulkGrant: adminProcedure
      .input(BulkGrantChunkInput)
      .output(z.array(BulkGrantOutcome))
      .mutation(({ ctx, input }) => bulkGrantChunk(ctx.db, ctx.actor, input)),
  } satisfies TRPCRouterRecord,
  purchases: {
    refund: adminProcedure
      .input(RefundPurchaseInput)
      .output(RefundResult)
      .mutation(({ ctx, input }) => refundPurchase(ctx.db, ctx.actor, input)),
  } satisfies TRPCRouterRecord,
} satisfies TRPCRouterRecord;
