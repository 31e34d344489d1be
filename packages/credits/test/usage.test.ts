// Quotas and metered features against real PostgreSQL: limits hold under concurrency, retries are
// idempotent, periods reset, and a tier change inside a period keeps what was used.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import {
  callerFor,
  createUser,
  db,
  entryCount,
  fundedUser,
  newKey,
  trpcErrorOf,
} from "./fixtures.ts";

async function setStripePeriod(userId: string, tier: "PRO" | "PREMIUM", start: Date, end: Date) {
  await db.$executeRaw`
    INSERT INTO subscriptions (id, user_id, tier, status, current_period_start, current_period_end,
      stripe_subscription_id, stripe_price_id)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${tier}::"Tier", 'ACTIVE', ${start}, ${end},
      ${`sub_test_${userId}`}, 'price_test')
    ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, current_period_start = EXCLUDED.current_period_start,
      current_period_end = EXCLUDED.current_period_end`;
}

describe("usage.track on a quota feature", () => {
  it("counts use and refuses beyond the FREE limit, recording nothing", async () => {
    const user = await createUser();
    const caller = callerFor(user);
    const limit = plans.FREE.quotas.exports ?? 0;
    const first = await caller.usage.track({
      feature: "exports",
      quantity: limit - 1,
      idempotencyKey: newKey(),
    });
    expect(first).toMatchObject({ used: limit - 1, limit, remaining: 1, creditsCharged: 0 });
    const refused = await trpcErrorOf(
      caller.usage.track({ feature: "exports", quantity: 2, idempotencyKey: newKey() }),
    );
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toContain(`${limit - 1} of the ${limit} exports`);
    const check = await caller.usage.check({ feature: "exports", quantity: 1 });
    expect(check).toMatchObject({ allowed: true, used: limit - 1, remaining: 1 });
    expect((await caller.usage.check({ feature: "exports", quantity: 2 })).allowed).toBe(false);
  });

  it("never overshoots when 40 calls race for the last units of a quota", async () => {
    const user = await createUser();
    const caller = callerFor(user);
    const limit = plans.FREE.quotas.reports ?? 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () =>
        caller.usage.track({ feature: "reports", quantity: 1, idempotencyKey: newKey() }),
      ),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(accepted).toHaveLength(limit);
    const [counter] = await db.$queryRaw<{ used: bigint }[]>`
      SELECT used FROM usage_counters WHERE user_id = ${user.id}::uuid AND feature = 'reports'`;
    expect(Number(counter?.used)).toBe(limit);
    const quotas = await caller.subscriptions.quotas();
    expect(quotas.find((quota) => quota.feature === "reports")).toMatchObject({
      used: limit,
      remaining: 0,
    });
  });

  it("records a retried call once, even when the retries race", async () => {
    const user = await createUser();
    const caller = callerFor(user);
    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        caller.usage.track({ feature: "api_calls", quantity: 7, idempotencyKey: key }),
      ),
    );
    for (const result of results) expect(result.used).toBe(7);
    const [daily] = await db.$queryRaw<{ quantity: bigint }[]>`
      SELECT quantity FROM usage_daily WHERE user_id = ${user.id}::uuid AND feature = 'api_calls'`;
    expect(Number(daily?.quantity)).toBe(7);
    const conflict = await trpcErrorOf(
      caller.usage.track({ feature: "api_calls", quantity: 8, idempotencyKey: key }),
    );
    expect(conflict.code).toBe("CONFLICT");
  });

  it("starts from zero in a new period", async () => {
    const user = await createUser();
    const caller = callerFor(user);
    const day = 86_400_000;
    const now = Date.now();
    await setStripePeriod(user.id, "PRO", new Date(now - 29 * day), new Date(now + day));
    const limit = plans.PRO.quotas.exports ?? 0;
    await caller.usage.track({ feature: "exports", quantity: limit, idempotencyKey: newKey() });
    expect(
      (await trpcErrorOf(caller.usage.track({ feature: "exports", idempotencyKey: newKey() })))
        .code,
    ).toBe("TOO_MANY_REQUESTS");
    // Stripe renews the subscription: the mirror moves the period on.
    await setStripePeriod(user.id, "PRO", new Date(now - 1000), new Date(now + 30 * day));
    const renewed = await caller.usage.track({ feature: "exports", idempotencyKey: newKey() });
    expect(renewed).toMatchObject({ used: 1, limit });
    expect(renewed.resetsAt.getTime()).toBe(new Date(now + 30 * day).getTime());
  });

  it("keeps what was used when the tier changes mid-period, with the new limit", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const caller = callerFor(user);
    const freeLimit = plans.FREE.quotas.reports ?? 0;
    await caller.usage.track({ feature: "reports", quantity: freeLimit, idempotencyKey: newKey() });
    expect(
      (await trpcErrorOf(caller.usage.track({ feature: "reports", idempotencyKey: newKey() })))
        .code,
    ).toBe("TOO_MANY_REQUESTS");
    await callerFor(admin).admin.subscriptions.setTier({
      userId: user.id,
      tier: "PRO",
      reason: "comp for a partner",
    });
    const after = await caller.usage.track({ feature: "reports", idempotencyKey: newKey() });
    expect(after).toMatchObject({ used: freeLimit + 1, limit: plans.PRO.quotas.reports });
    // Back to FREE: what was used stays, and the FREE limit is already passed.
    await callerFor(admin).admin.subscriptions.setTier({
      userId: user.id,
      tier: "FREE",
      reason: "comp ended",
    });
    const quota = (await caller.subscriptions.quotas()).find((item) => item.feature === "reports");
    expect(quota).toMatchObject({ used: freeLimit + 1, limit: freeLimit, remaining: 0 });
  });

  it("treats an unlimited quota as unlimited", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    await callerFor(admin).admin.subscriptions.setTier({
      userId: user.id,
      tier: "PREMIUM",
      reason: "test",
    });
    const result = await callerFor(user).usage.track({
      feature: "exports",
      quantity: 100_000,
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ used: 100_000, limit: null, remaining: null });
  });
});

describe("usage.track on a metered feature", () => {
  it("takes the cost in credits and refuses, recording nothing, when they do not suffice", async () => {
    const { user, caller } = await fundedUser(12);
    const tracked = await caller.usage.track({
      feature: "ai_generations",
      quantity: 2,
      idempotencyKey: newKey(),
    });
    expect(tracked).toMatchObject({ creditsCharged: 10, used: 2, kind: "metered" });
    expect((await caller.credits.balance()).total).toBe(2);
    expect(await caller.usage.check({ feature: "ai_generations" })).toMatchObject({
      allowed: false,
      remaining: 0,
    });
    const before = await entryCount(user.id);
    const refused = await trpcErrorOf(
      caller.usage.track({ feature: "ai_generations", idempotencyKey: newKey() }),
    );
    expect(refused.code).toBe("PAYMENT_REQUIRED");
    expect(await entryCount(user.id)).toBe(before);
    const byDay = await caller.usage.byDay({ days: 7 });
    expect(byDay).toEqual([
      { day: new Date().toISOString().slice(0, 10), feature: "ai_generations", quantity: 2 },
    ]);
  });
});

describe("usage input", () => {
  it("names the field that is wrong", async () => {
    const caller = callerFor(await createUser());
    const error = await trpcErrorOf(
      // @ts-expect-error an unknown feature, as a client could send it
      caller.usage.track({ feature: "teleport", quantity: 0, idempotencyKey: newKey() }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("refuses anonymous callers", async () => {
    const error = await trpcErrorOf(callerFor(null).usage.check({ feature: "reports" }));
    expect(error.code).toBe("UNAUTHORIZED");
  });
});
