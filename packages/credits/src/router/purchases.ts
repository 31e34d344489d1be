import type { TRPCRouterRecord } from "@trpc/server";
import {
  CreatePurchaseInput,
  ListPurchasesInput,
  PurchaseResult,
  PurchasesOutput,
} from "../schemas/credits.ts";
import { createPurchase } from "../service/operations.ts";
import { listPurchases } from "../service/queries.ts";
import { protectedProcedure } from "../trpc.ts";

/** Items the signed-in user buys with credits. */
export const purchasesRouter = {
  create: protectedProcedure
    .input(CreatePurchaseInput)
    .output(PurchaseResult)
    .mutation(({ ctx, input }) => createPurchase(ctx.db, ctx.actor, ctx.session.user.id, input)),

  list: protectedProcedure
    .input(ListPurchasesInput)
    .output(PurchasesOutput)
    .query(({ ctx, input }) => listPurchases(ctx.db, ctx.session.user.id, input)),
} satisfies TRPCRouterRecord;
