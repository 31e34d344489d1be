import type { TRPCRouterRecord } from "@trpc/server";
import { CreateServiceTokenInput, ServiceTokenIdInput } from "../../schemas/tokens.ts";
import { createServiceToken, listServiceTokens, revokeServiceToken } from "../../service/tokens.ts";
import { adminProcedure } from "../../trpc.ts";

/** Service tokens for the REST API: listed without secrets, shown once when created. */
export const adminTokensRouter = {
  list: adminProcedure.query(({ ctx }) => listServiceTokens(ctx.db)),
  create: adminProcedure
    .input(CreateServiceTokenInput)
    .mutation(({ ctx, input }) => createServiceToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure
    .input(ServiceTokenIdInput)
    .mutation(({ ctx, input }) => revokeServiceToken(ctx.db, ctx.actor, input.tokenId)),
} satisfies TRPCRouterRecord;
