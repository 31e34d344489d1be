import type { TRPCRouterRecord } from "@trpc/server";
import { InvalidRequestError } from "../errors.ts";
import { creditPacks, findCreditPack } from "../plans.ts";
import { BuyCreditsInput, CreditPackCatalog, RedirectResult } from "../schemas/billing.ts";
import { startCreditPackCheckout } from "../service/billing/checkout.ts";
import { protectedProcedure, publicProcedure } from "../trpc.ts";

/** Buying credits with money. */
export const billingRouter = {
  creditPacks: publicProcedure.output(CreditPackCatalog).query(() => creditPacks),

  buyCredits: protectedProcedure
    .input(BuyCreditsInput)
    .output(RedirectResult)
    .mutation(({ ctx, input }) => {
      const pack = findCreditPack(input.packId);
      if (!pack) throw new InvalidRequestError("There is no such credit pack.", "packId");
      return startCreditPackCheckout(ctx.db, ctx.billing, ctx.session.user.id, pack, ctx.origin);
    }),
} satisfies TRPCRouterRecord;
