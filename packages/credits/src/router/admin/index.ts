import {
  AdjustCreditsInput,
  AuditListInput,
  LedgerResult,
  RefundPurchaseInput,
  RefundResult,
} from "../../schemas.ts";
import { listAudit } from "../../service/audit.ts";
import { adjustCredits, refundPurchase } from "../../service/operations.ts";
import { adminProcedure } from "../../trpc.ts";
import { adminUsersRouter } from "./users.ts";

/** Operators' tools; every procedure checks the ADMIN role on the server. */
export const adminRouter = {
  users: adminUsersRouter,
  audit: {
    list: adminProcedure.input(AuditListInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
  },
  credits: {
    adjust: adminProcedure
      .input(AdjustCreditsInput)
      .output(LedgerResult)
      .mutation(({ ctx, input }) => adjustCredits(ctx.db, ctx.actor, input)),
  },
  purchases: {
    refund: adminProcedure
      .input(RefundPurchaseInput)
      .output(RefundResult)
      .mutation(({ ctx, input }) => refundPurchase(ctx.db, ctx.actor, input)),
  },
};
