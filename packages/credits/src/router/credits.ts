import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { AppId } from "../schemas/common.ts";
import {
  ActiveGrant,
  BalanceAtInput,
  BalanceOutput,
  HistoryInput,
  HistoryOutput,
  TransferCreditsInput,
  TransferRecipient,
  TransferRecipientCheck,
  TransferResult,
} from "../schemas/credits.ts";
import { SetThresholdInput, ThresholdQuery, ThresholdStatus } from "../schemas/thresholds.ts";
import { creditChangeFeed } from "../service/changes.ts";
import {
  balanceAt,
  getBalances,
  listActiveGrants,
  listHistory,
  spendingByDay,
} from "../service/queries.ts";
import { getLowBalanceThreshold, setLowBalanceThreshold } from "../service/thresholds/settings.ts";
import { checkTransferRecipient, transferCredits } from "../service/transfers.ts";
import { protectedProcedure } from "../trpc.ts";

/** The signed-in user's own credits. */
export const creditsRouter = {
  balance: protectedProcedure
    .output(BalanceOutput)
    .query(({ ctx }) => getBalances(ctx.db, ctx.session.user.id)),

  history: protectedProcedure
    .input(HistoryInput)
    .output(HistoryOutput)
    .query(({ ctx, input }) => listHistory(ctx.db, ctx.session.user.id, input)),

  grants: protectedProcedure
    .input(z.object({ appId: AppId.optional() }).optional())
    .output(z.array(ActiveGrant))
    .query(({ ctx, input }) => listActiveGrants(ctx.db, ctx.session.user.id, input?.appId)),

  spendingByDay: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).max(90).default(30) }).optional())
    .output(z.array(z.object({ day: z.string(), spent: z.number().int() })))
    .query(({ ctx, input }) => spendingByDay(ctx.db, ctx.session.user.id, input?.days ?? 30)),

  balanceAt: protectedProcedure
    .input(BalanceAtInput)
    .output(z.object({ appId: z.string(), at: z.date(), balance: z.number().int() }))
    .query(async ({ ctx, input }) => ({
      appId: input.appId,
      at: input.at,
      balance: await balanceAt(ctx.db, ctx.session.user.id, input.appId, input.at),
    })),

  /** The low-balance alert in an app: what applies, and whether the user is below it (the banner). */
  threshold: protectedProcedure
    .input(ThresholdQuery)
    .output(ThresholdStatus)
    .query(({ ctx, input }) => getLowBalanceThreshold(ctx.db, ctx.session.user.id, input.appId)),

  setThreshold: protectedProcedure
    .input(SetThresholdInput)
    .output(ThresholdStatus)
    .mutation(({ ctx, input }) =>
      setLowBalanceThreshold(ctx.db, ctx.actor, ctx.session.user.id, input),
    ),

  /** Server-sent events: one message whenever the user's credits change anywhere. */
  onChange: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* creditChangeFeed().changesFor(
      ctx.session.user.id,
      signal ?? new AbortController().signal,
    );
  }),

  /** Whether a transfer could go to this recipient: the form asks before its confirmation step. */
  transferRecipient: protectedProcedure
    .input(z.object({ to: TransferRecipient }))
    .output(TransferRecipientCheck)
    .query(({ ctx, input }) => checkTransferRecipient(ctx.db, ctx.session.user.id, input.to)),

  transfer: protectedProcedure
    .input(TransferCreditsInput)
    .output(TransferResult)
    .mutation(({ ctx, input }) => transferCredits(ctx.db, ctx.actor, ctx.session.user.id, input)),
} satisfies TRPCRouterRecord;
