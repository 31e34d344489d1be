// Plan changes through Stripe (the local fake): upgrades now with prorated credits, downgrades at
// period end, cancel and resume, renewals with rollover, failed payments, and operators' changes.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { auditOf, createUser, db, newKey, trpcErrorOf } from "./fixtures.ts";
import {
  billedCaller,
  deliverAll,
  deliverPending,
  fake,
  prices,
  stripe,
  subscribe,
} from "./stripe-fixtures.ts";

async function balanceOf(userId: string) {
  return (await billedCaller({ id: userId, email: "", role: "USER" }).credits.balance()).total;
}

function stripeSubscription(id: string) {
  const subscription = fake.state.subscriptions.get(id);
  if (!subscription) throw new Error(`the fake has no subscription ${id}`);
  return subscription;
}

describe("changing plans", () => {
  it("upgrades at once, prorated, adding the difference in credits for this period", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PRO");
    const changed = await billedCaller(user).subscriptions.change({ tier: "PREMIUM" });
    expect(changed.tier).toBe("PREMIUM");
    const events = await deliverPending();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(stripeSubscription(subscriptionId).items.data[0]?.price.id).toBe(prices.PREMIUM);
    expect(await balanceOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
    // The same upgrade again is refused rather than charged twice.
    const again = await trpcErrorOf(billedCaller(user).subscriptions.change({ tier: "PREMIUM" }));
    expect(again.code).toBe("CONFLICT");
  });

  it("downgrades at the end of the period, keeping the tier and its credits until then", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PREMIUM");
    const changed = await billedCaller(user).subscriptions.change({ tier: "PRO" });
    expect(changed).toMatchObject({ tier: "PREMIUM", pendingTier: "PRO" });
    await deliverPending();
    expect(await balanceOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
    expect((await billedCaller(user).subscriptions.get()).pendingTier).toBe("PRO");

    await deliverAll(await fake.renewSubscription(subscriptionId));
    const renewed = await billedCaller(user).subscriptions.get();
    expect(renewed).toMatchObject({ tier: "PRO", pendingTier: null });
    // The PREMIUM allowance ends with its period; the new one is PRO's, plus the capped rollover.
    expect(await balanceOf(user.id)).toBe(plans.PRO.monthlyCredits + plans.PRO.rolloverCap);
  });

  it("downgrades, or cancels, even when an earlier attempt left a schedule the mirror does not know", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PREMIUM");
    // A downgrade that died after Stripe made its schedule: the mirror never heard of it.
    const orphan = await stripe.subscriptionSchedules.create({ from_subscription: subscriptionId });
    fake.takeEvents();
    expect(
      (await db.subscription.findUniqueOrThrow({ where: { userId: user.id } })).stripeScheduleId,
    ).toBeNull();

    const changed = await billedCaller(user).subscriptions.change({ tier: "PRO" });
    expect(changed).toMatchObject({ tier: "PREMIUM", pendingTier: "PRO" });
    expect(stripeSubscription(subscriptionId).schedule).toBe(orphan.id);
    expect(fake.state.schedules.get(orphan.id)?.phases.at(-1)?.items[0]?.price).toBe(prices.PRO);

    // Cancelling lets go of it (by Stripe's state) before setting the end.
    await billedCaller(user).subscriptions.cancel();
    expect(stripeSubscription(subscriptionId)).toMatchObject({
      schedule: null,
      cancel_at_period_end: true,
    });
    expect(fake.state.schedules.get(orphan.id)?.status).toBe("released");
    await deliverPending();
  });

  it("rolls over a share of the unused allowance into the next period", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PRO");
    await billedCaller(user).usage.track({
      feature: "ai_generations",
      quantity: 40,
      idempotencyKey: newKey(),
    });
    const unused = plans.PRO.monthlyCredits - 200;
    await deliverAll(await fake.renewSubscription(subscriptionId));
    const rollover = Math.min(Math.floor(unused / 2), plans.PRO.rolloverCap);
    expect(await balanceOf(user.id)).toBe(plans.PRO.monthlyCredits + rollover);
    const history = await billedCaller(user).credits.history({});
    expect(history.entries.slice(0, 3).map((entry) => [entry.type, entry.amount])).toEqual([
      ["GRANT", rollover],
      ["GRANT", plans.PRO.monthlyCredits],
      ["EXPIRE", -unused],
    ]);
  });

  it("cancels at period end, resumes before it, and falls back to FREE when it ends", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PRO");
    const caller = billedCaller(user);
    expect(await caller.subscriptions.cancel()).toMatchObject({
      tier: "PRO",
      cancelAtPeriodEnd: true,
    });
    expect(stripeSubscription(subscriptionId).cancel_at_period_end).toBe(true);
    expect(await caller.subscriptions.resume()).toMatchObject({ cancelAtPeriodEnd: false });
    expect(stripeSubscription(subscriptionId).cancel_at_period_end).toBe(false);
    expect((await trpcErrorOf(caller.subscriptions.resume())).code).toBe("CONFLICT");
    await caller.subscriptions.cancel();
    await deliverPending();
    await deliverAll(await fake.renewSubscription(subscriptionId));
    expect(await caller.subscriptions.get()).toMatchObject({ tier: "FREE", status: "CANCELED" });
    expect((await caller.subscriptions.quotas())[0]?.limit).toBe(plans.FREE.quotas.reports);
    // A new subscription is possible again after the old one ended.
    const { url } = await caller.subscriptions.checkout({ tier: "PRO" });
    expect(url.startsWith(`${fake.url}/checkout/`)).toBe(true);
  });

  it("refuses a second subscription and sends subscribers to the billing portal", async () => {
    const user = await createUser();
    await subscribe(user, "PRO");
    const caller = billedCaller(user);
    expect((await trpcErrorOf(caller.subscriptions.checkout({ tier: "PREMIUM" }))).code).toBe(
      "CONFLICT",
    );
    const portal = await caller.subscriptions.portal();
    expect(portal.url.startsWith(`${fake.url}/portal/`)).toBe(true);
    const pack = await caller.billing.buyCredits({ packId: "pack_2500" });
    expect(pack.url.startsWith(`${fake.url}/checkout/`)).toBe(true);
    // One Stripe customer per user, however many sessions.
    const customers = [...fake.state.customers.values()].filter(
      (customer) => customer.metadata?.user_id === user.id,
    );
    expect(customers).toHaveLength(1);
  });
});

describe("operators and Stripe", () => {
  it("cancels at period end, resumes and ends a Stripe subscription, one audit entry per action", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const { subscriptionId } = await subscribe(user, "PRO");
    const operator = billedCaller(admin).admin.subscriptions;

    const ending = await operator.cancel({ userId: user.id, atPeriodEnd: true, reason: "asked" });
    expect(ending).toMatchObject({ tier: "PRO", cancelAtPeriodEnd: true, managedBy: "stripe" });
    expect(stripeSubscription(subscriptionId).cancel_at_period_end).toBe(true);
    expect(await auditOf(user.id)).toHaveLength(1);

    const resumed = await operator.resume({ userId: user.id, reason: "changed their mind" });
    expect(resumed).toMatchObject({ tier: "PRO", cancelAtPeriodEnd: false, managedBy: "stripe" });
    expect(stripeSubscription(subscriptionId).cancel_at_period_end).toBe(false);
    expect(await auditOf(user.id)).toHaveLength(2);

    await operator.setTier({ userId: user.id, tier: "PREMIUM", reason: "goodwill" });
    const ended = await operator.setTier({ userId: user.id, tier: "FREE", reason: "closed" });
    expect(ended).toMatchObject({ tier: "FREE", status: "CANCELED" });
    expect(stripeSubscription(subscriptionId).status).toBe("canceled");
    // The webhooks that follow converge on the same state and write no audit entries of their own.
    await deliverPending();
    expect(await billedCaller(user).subscriptions.get()).toMatchObject({ status: "CANCELED" });

    const audit = await auditOf(user.id);
    expect(audit.map((entry) => entry.action)).toEqual([
      "subscription.cancel_at_period_end",
      "subscription.resume",
      "subscription.tier",
      "subscription.tier",
    ]);
    expect(audit[1]).toMatchObject({
      before: { tier: "PRO", cancelAtPeriodEnd: true, managedBy: "stripe" },
      after: { tier: "PRO", cancelAtPeriodEnd: false, managedBy: "stripe" },
      reason: "changed their mind",
    });
    expect(audit[3]).toMatchObject({
      before: { tier: "PREMIUM", status: "ACTIVE" },
      after: { tier: "FREE", status: "CANCELED" },
    });
    // Nothing left to resume or cancel: refused, and nothing more is audited.
    expect((await trpcErrorOf(operator.resume({ userId: user.id, reason: "r" }))).code).toBe(
      "CONFLICT",
    );
    expect(await auditOf(user.id)).toHaveLength(4);
  });

  it("changes a Stripe subscription's tier through Stripe, without proration, audited", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const { subscriptionId } = await subscribe(user, "PRO");
    const view = await billedCaller(admin).admin.subscriptions.setTier({
      userId: user.id,
      tier: "PREMIUM",
      reason: "goodwill upgrade",
    });
    expect(view).toMatchObject({ tier: "PREMIUM", managedBy: "stripe" });
    expect(stripeSubscription(subscriptionId).items.data[0]?.price.id).toBe(prices.PREMIUM);
    await deliverPending();
    expect(await balanceOf(user.id)).toBe(plans.PRO.monthlyCredits);
    const audit = await db.auditLog.findFirstOrThrow({
      where: { targetUserId: user.id, action: "subscription.tier" },
    });
    expect(audit).toMatchObject({
      before: expect.objectContaining({ tier: "PRO" }),
      after: expect.objectContaining({ tier: "PREMIUM" }),
      reason: "goodwill upgrade",
    });

    const canceled = await billedCaller(admin).admin.subscriptions.cancel({
      userId: user.id,
      atPeriodEnd: false,
      reason: "fraud",
    });
    expect(canceled).toMatchObject({ tier: "FREE", status: "CANCELED" });
    expect(stripeSubscription(subscriptionId).status).toBe("canceled");
  });
});
