import type { TRPCRouterRecord } from "@trpc/server";
import { InvalidRequestError } from "../errors.ts";
import { creditPacks, findCreditPack } from "../plans.ts";
import { AutoTopupView, SetAutoTopupInput } from "../schemas/auto-topup.ts";
import { BuyCreditsInput, CreditPackCatalog, RedirectResult } from "../schemas/billing.ts";
import { getAutoTopup, setAutoTopup } from "../service/billing/auto-topup/settings.ts";
import { startCreditPackCheckout, startSaveCardCheckout } from "../service/billing/checkout.ts";
import { protectedProcedure, publicProcedure } from "../trpc.ts";

/** Buying credits with money, once or automatically (auto top-up). */
export const billingRouter = {
  creditPacks: publicProcedure.output(CreditPackCatalog).query(() => creditPacks),

  buyCredits: protectedProcedure
    .input(BuyCreditsInput)
    .output(RedirectResult)
    .mutation(({ ctx, input }) => {
      const pack = findCreditPack(input.packId);
      if (!pack) throw new InvalidRequestError("There is no such credit pack.", "packId");
      return startCreditPackCheckout(ctx.db, ctx.billing, ctx.session.user.id, pack, ctx.origin, {
        saveCard: input.saveCard ?? false,
      });
    }),

  autoTopup: protectedProcedure
    .output(AutoTopupView)
    .query(({ ctx }) => getAutoTopup(ctx.db, ctx.billing, ctx.session.user.id)),

  setAutoTopup: protectedProcedure
    .input(SetAutoTopupInput)
    .output(AutoTopupView)
    .mutation(({ ctx, input }) =>
      setAutoTopup(ctx.db, ctx.billing, ctx.actor, ctx.session.user.id, input),
    ),

  /** Checkout in setup mode: saves (or replaces) the card auto top-up charges. */
  saveCardSession: protectedProcedure
    .output(RedirectResult)
    .mutation(({ ctx }) =>
      startSaveCardCheckout(ctx.db, ctx.billing, ctx.session.user.id, ctx.origin),
    ),
} satisfies TRPCRouterRecord;
