import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { checkDatabase } from "../service/health.ts";
import { publicProcedure } from "../trpc.ts";

export const HealthOutput = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({ status: z.enum(["ok", "unavailable"]), latencyMs: z.number() }),
});

export const healthRouter = {
  check: publicProcedure.output(HealthOutput).query(async ({ ctx }) => {
    const database = await checkDatabase(ctx.db);
    return { status: database.status === "ok" ? "ok" : "degraded", database } as const;
  }),
} satisfies TRPCRouterRecord;
