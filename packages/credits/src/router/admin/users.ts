import type { TRPCRouterRecord } from "@trpc/server";
import {
  CreateSignInLinkInput,
  EndSessionsInput,
  SearchUsersInput,
  SetRoleInput,
  SignInLinkCreated,
  UserHistoryInput,
  UserIdInput,
  UserOverview,
  UserRole,
  UserSearchPage,
  UserSessionsEnded,
} from "../../schemas/admin.ts";
import { AdminAutoTopupInput, AdminAutoTopupView } from "../../schemas/auto-topup.ts";
import { HistoryOutput } from "../../schemas/credits.ts";
import {
  AdminSetThresholdInput,
  AdminThresholdQuery,
  ThresholdStatus,
} from "../../schemas/thresholds.ts";
import { getAutoTopupForOperator } from "../../service/billing/auto-topup/settings.ts";
import { getSubscription } from "../../service/billing/plan-changes.ts";
import { createCustomerSignInLink } from "../../service/customers.ts";
import { listHistory } from "../../service/queries.ts";
import {
  getLowBalanceThreshold,
  setLowBalanceThreshold,
} from "../../service/thresholds/settings.ts";
import { listQuotas } from "../../service/usage.ts";
import { searchUsers } from "../../service/user-list.ts";
import { endUserSessions, getUserOverview, setUserRole } from "../../service/users.ts";
import { adminProcedure } from "../../trpc.ts";

/**
 * Finding and inspecting users; changing roles; ending their sessions; sign-in links; low-balance
 * thresholds.
 */
export const adminUsersRouter = {
  search: adminProcedure
    .input(SearchUsersInput)
    .output(UserSearchPage)
    .query(({ ctx, input }) => searchUsers(ctx.db, input, ctx.billing.graceDays)),

  get: adminProcedure
    .input(UserIdInput)
    .output(UserOverview)
    .query(async ({ ctx, input }) => {
      const overview = await getUserOverview(ctx.db, input.userId);
      const [subscription, quotas] = await Promise.all([
        getSubscription(ctx.db, ctx.billing, input.userId),
        listQuotas(ctx.db, ctx.billing, input.userId),
      ]);
      return { ...overview, subscription, quotas };
    }),

  /** The user's auto top-up settings and latest charges (read-only). */
  autoTopup: adminProcedure
    .input(AdminAutoTopupInput)
    .output(AdminAutoTopupView)
    .query(({ ctx, input }) => getAutoTopupForOperator(ctx.db, ctx.billing, input.userId)),

  history: adminProcedure
    .input(UserHistoryInput)
    .output(HistoryOutput)
    .query(({ ctx, input }) => listHistory(ctx.db, input.userId, input)),

  setRole: adminProcedure
    .input(SetRoleInput)
    .output(UserRole)
    .mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.actor, input)),

  endSessions: adminProcedure
    .input(EndSessionsInput)
    .output(UserSessionsEnded)
    .mutation(({ ctx, input }) => endUserSessions(ctx.db, ctx.actor, input)),

  /** A one-time link for a customer without a password to choose one (shown once, audited). */
  createSignInLink: adminProcedure
    .input(CreateSignInLinkInput)
    .output(SignInLinkCreated)
    .mutation(({ ctx, input }) =>
      createCustomerSignInLink(ctx.db, ctx.actor, {
        ref: input.userId,
        reason: input.reason,
        appUrl: ctx.billing.appUrl,
      }),
    ),

  threshold: adminProcedure
    .input(AdminThresholdQuery)
    .output(ThresholdStatus)
    .query(({ ctx, input }) => getLowBalanceThreshold(ctx.db, input.userId, input.appId)),

  /** Audited with the operator's reason, before and after. */
  setThreshold: adminProcedure
    .input(AdminSetThresholdInput)
    .output(ThresholdStatus)
    .mutation(({ ctx, input }) => setLowBalanceThreshold(ctx.db, ctx.actor, input.userId, input)),
} satisfies TRPCRouterRecord;
