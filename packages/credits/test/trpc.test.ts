import { createDatabaseClient } from "@credits/db";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createCaller } from "../src/root.ts";
import { billingConfigFrom } from "../src/stripe/config.ts";
import {
  adminProcedure,
  type CreditsContext,
  createCallerFactory,
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
} from "../src/trpc.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
afterAll(() => db.$disconnect());

const base = { db, billing: billingConfigFrom({}), origin: "http://127.0.0.1:3000" };
const anonymous: CreditsContext = { ...base, session: null };
const user: CreditsContext = {
  ...base,
  session: { user: { id: "u1", email: "user@example.com", role: "USER" } },
};
const admin: CreditsContext = {
  ...base,
  session: { user: { id: "a1", email: "admin@example.com", role: "ADMIN" } },
};

// A router made of each procedure kind, to prove the guards themselves.
const probeRouter = createTRPCRouter({
  open: publicProcedure.query(() => "open"),
  mine: protectedProcedure.query(({ ctx }) => ctx.session.user.id),
  operators: adminProcedure.query(({ ctx }) => ctx.session.user.role),
  echo: publicProcedure
    .input(z.object({ amount: z.number().int().positive() }))
    .query(({ input }) => input.amount),
});
const probe = createCallerFactory(probeRouter);

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe("procedure kinds", () => {
  it("lets anyone call a public procedure", async () => {
    expect(await probe(anonymous).open()).toBe("open");
  });

  it("refuses anonymous callers of protected and admin procedures with UNAUTHORIZED", async () => {
    expect((await errorOf(probe(anonymous).mine())).code).toBe("UNAUTHORIZED");
    expect((await errorOf(probe(anonymous).operators())).code).toBe("UNAUTHORIZED");
  });

  it("gives protected procedures the signed-in user", async () => {
    expect(await probe(user).mine()).toBe("u1");
  });

  it("refuses non-admins with FORBIDDEN and lets admins in", async () => {
    expect((await errorOf(probe(user).operators())).code).toBe("FORBIDDEN");
    expect(await probe(admin).operators()).toBe("ADMIN");
  });

  it("refuses invalid input with BAD_REQUEST", async () => {
    const error = await errorOf(probe(anonymous).echo({ amount: -1 }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("health.check", () => {
  it("reports the database as up through the real router", async () => {
    const health = await createCaller(anonymous).health.check();
    expect(health.status).toBe("ok");
    expect(health.database.status).toBe("ok");
    expect(health.database.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
