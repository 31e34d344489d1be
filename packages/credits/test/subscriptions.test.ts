// Plans without Stripe: what a user sees, the clear refusal of payments, and operators' comps,
// cancellations and resumptions with their audit entries.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { setTierAsOperator } from "../src/service/billing/operator.ts";
import { effectiveTier, type SubscriptionRow } from "../src/service/billing/subscription-state.ts";
import { billingConfigFrom, paymentsConfigured } from "../src/stripe/config.ts";
import {
  auditOf,
  callerFor,
  createUser,
  db,
  trpcErrorOf,
  unconfiguredBilling,
} from "./fixtures.ts";

describe("subscriptions without Stripe", () => {
  it("puts users without a subscription on FREE, with the FREE quotas", async () => {
    const caller = callerFor(await createUser());
    expect(await caller.subscriptions.get()).toMatchObject({
      tier: "FREE",
      status: null,
      managedBy: "none",
      paymentsConfigured: false,
    });
    const quotas = await caller.subscriptions.quotas();
    expect(quotas.map((quota) => [quota.feature, quota.limit])).toEqual([
      ["reports", plans.FREE.quotas.reports],
      ["api_calls", plans.FREE.quotas.api_calls],
      ["exports", plans.FREE.quotas.exports],
      ["ai_generations", null],
    ]);
    const plansList = await callerFor(null).subscriptions.plans();
    expect(plansList.map((plan) => plan.tier)).toEqual(["FREE", "PRO", "PREMIUM"]);
  });

  it("takes empty Stripe variables for unset, so a server can switch payments off over a .env", () => {
    const blank = billingConfigFrom({
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
      STRIPE_PRICE_PRO: "",
      STRIPE_PRICE_PREMIUM: "",
      STRIPE_API_URL: "",
      APP_URL: "",
    });
    expect(paymentsConfigured(blank)).toBe(false);
    expect(blank).toMatchObject({ stripe: null, webhookSecret: null, appUrl: null });
    expect(() => billingConfigFrom({ STRIPE_SECRET_KEY: "pk_test_public" })).toThrow(
      /STRIPE_SECRET_KEY: must be a Stripe secret key/,
    );
  });

  it("says that payments are not configured instead of failing", async () => {
    const caller = callerFor(await createUser());
    for (const call of [
      () => caller.subscriptions.checkout({ tier: "PRO" }),
      () => caller.billing.buyCredits({ packId: "pack_500" }),
      () => caller.subscriptions.portal(),
      () => caller.subscriptions.cancel(),
    ]) {
      const error = await trpcErrorOf(call());
      expect(error.code).toBe("PRECONDITION_FAILED");
      expect(error.message).toContain("Payments are not configured");
    }
  });

  it("lets an operator comp a tier, cancel it at period end, resume and cancel it, all audited", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const operator = callerFor(admin).admin.subscriptions;
    const comped = await operator.setTier({ userId: user.id, tier: "PRO", reason: "partner" });
    expect(comped).toMatchObject({ tier: "PRO", status: "ACTIVE", managedBy: "operator" });
    expect((await callerFor(user).subscriptions.get()).tier).toBe("PRO");

    const ending = await operator.cancel({ userId: user.id, atPeriodEnd: true, reason: "ends" });
    expect(ending).toMatchObject({ tier: "PRO", cancelAtPeriodEnd: true });
    const resumed = await operator.resume({ userId: user.id, reason: "stays" });
    expect(resumed).toMatchObject({ tier: "PRO", cancelAtPeriodEnd: false });
    const canceled = await operator.cancel({ userId: user.id, atPeriodEnd: false, reason: "done" });
    expect(canceled).toMatchObject({ tier: "FREE", status: "CANCELED" });
    expect((await trpcErrorOf(operator.resume({ userId: user.id, reason: "again" }))).code).toBe(
      "CONFLICT",
    );

    const audit = await auditOf(user.id);
    expect(audit.map((entry) => entry.action)).toEqual([
      "subscription.tier",
      "subscription.cancel_at_period_end",
      "subscription.resume",
      "subscription.cancel",
    ]);
    expect(audit[0]).toMatchObject({
      before: { tier: "FREE" },
      after: { tier: "PRO", managedBy: "operator" },
      reason: "partner",
    });
  });

  it("lists who is on a tier for bulk grants, and counts them in the overview", async () => {
    const admin = await createUser("ADMIN");
    const operator = callerFor(admin).admin;
    const members = [await createUser(), await createUser()];
    for (const member of members) {
      await operator.subscriptions.setTier({ userId: member.id, tier: "PREMIUM", reason: "r" });
    }
    const emails: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { emails: string[]; nextCursor: string | null } =
        await operator.subscriptions.members({ tier: "PREMIUM", cursor, limit: 1 });
      emails.push(...page.emails);
      cursor = page.nextCursor;
    } while (cursor);
    for (const member of members) expect(emails).toContain(member.email);
    const overview = await operator.overview({});
    expect(overview.billing.subscriptionsByTier.PREMIUM).toBeGreaterThanOrEqual(2);
  });

  it("writes an operator's change and its audit entry together, or neither", async () => {
    const user = await createUser();
    // An actor the audit log cannot name (no such user): the entry fails, so must the change.
    const ghost = { type: "ADMIN" as const, id: "00000000-0000-4000-8000-00000000dead" };
    await expect(
      setTierAsOperator(db, unconfiguredBilling, ghost, {
        userId: user.id,
        tier: "PRO",
        reason: "r",
      }),
    ).rejects.toThrow();
    expect(await db.subscription.findUnique({ where: { userId: user.id } })).toBeNull();
    expect(await db.auditLog.count({ where: { targetUserId: user.id } })).toBe(0);
  });

  it("refuses a comp for an unknown user, changing nothing", async () => {
    const admin = await createUser("ADMIN");
    const unknown = "00000000-0000-4000-8000-000000000000";
    const error = await trpcErrorOf(
      callerFor(admin).admin.subscriptions.setTier({ userId: unknown, tier: "PRO", reason: "r" }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(await db.subscription.findUnique({ where: { userId: unknown } })).toBeNull();
  });
});

describe("effective tier", () => {
  const day = 86_400_000;
  const now = new Date("2026-06-15T12:00:00Z");
  const row = (overrides: Partial<SubscriptionRow>): SubscriptionRow => ({
    id: "s",
    user_id: "u",
    tier: "PRO",
    status: "ACTIVE",
    current_period_start: new Date(now.getTime() - 10 * day),
    current_period_end: new Date(now.getTime() + 20 * day),
    cancel_at_period_end: false,
    canceled_at: null,
    past_due_since: null,
    pending_tier: null,
    stripe_subscription_id: "sub_1",
    stripe_price_id: "price_pro",
    stripe_schedule_id: null,
    ...overrides,
  });

  it("keeps the tier through the grace period while past due, then falls back to FREE", () => {
    const pastDue = row({ status: "PAST_DUE", past_due_since: new Date(now.getTime() - 3 * day) });
    expect(effectiveTier(pastDue, now, 7)).toBe("PRO");
    expect(effectiveTier(pastDue, now, 2)).toBe("FREE");
    expect(effectiveTier(row({ status: "CANCELED" }), now, 7)).toBe("FREE");
    expect(effectiveTier(row({ status: "INCOMPLETE" }), now, 7)).toBe("FREE");
    expect(effectiveTier(row({ status: "TRIALING" }), now, 7)).toBe("PRO");
    expect(effectiveTier(null, now, 7)).toBe("FREE");
  });

  it("ends an operator's comp cancelled at period end when the period ends", () => {
    const comp = row({ stripe_subscription_id: null, cancel_at_period_end: true });
    expect(effectiveTier(comp, now, 7)).toBe("PRO");
    expect(effectiveTier(comp, new Date(now.getTime() + 21 * day), 7)).toBe("FREE");
  });
});
