import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  CreatedServiceToken,
  CreateServiceTokenInput,
  RevokedServiceToken,
  ServiceTokenIdInput,
  ServiceTokenSummary,
} from "../../schemas/tokens.ts";
import { createServiceToken, listServiceTokens, revokeServiceToken } from "../../service/tokens.ts";
import { adminProcedure } from "../../trpc.ts";

/** Service tokens for the REST API: listed without secrets, shown once when created. */
export const adminTokensRouter = {
  list: adminProcedure
    .output(z.array(ServiceTokenSummary))
    .query(({ ctx }) => listServiceTokens(ctx.db)),
  create: adminProcedure
    .input(CreateServiceTokenInput)
    .output(CreatedServiceToken)
    .mutation(({ ctx, input }) => createServiceToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure
    .input(ServiceTokenIdInput)
    .output(RevokedServiceToken)
    .mutation(({ ctx, input }) => revokeServiceToken(ctx.db, ctx.actor, input.tokenId)),
} satisfies TRPCRouterRecord;
