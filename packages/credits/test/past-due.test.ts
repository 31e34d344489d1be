// A failed renewal makes the subscription PAST_DUE: its tier's limits apply through the grace
// period (BILLING_GRACE_DAYS from the failed payment), FREE's after it, through the real procedures.
// A file of its own: quotas count in the Stripe period only while the fake's clock agrees with the
// database's, and other files move that clock on.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { createUser, db, newKey, trpcErrorOf } from "./fixtures.ts";
import { billedCaller, billingWith, deliverAll, fake, subscribe } from "./stripe-fixtures.ts";

type Caller = ReturnType<typeof billedCaller>;

async function reportsQuota(caller: Caller) {
  return (await caller.subscriptions.quotas()).find((quota) => quota.feature === "reports");
}

/** FREE's limit on reports (a number: FREE limits every quota). */
const freeReports = plans.FREE.quotas.reports ?? 0;

function trackReports(caller: Caller, quantity: number) {
  return caller.usage.track({ feature: "reports", quantity, idempotencyKey: newKey() });
}

describe("past due", () => {
  it("keeps the tier's quotas through the grace period of a failed renewal, then applies FREE's", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PRO");
    await deliverAll(await fake.failInvoicePayment(subscriptionId));
    const caller = billedCaller(user);
    const view = await caller.subscriptions.get();
    expect(view).toMatchObject({ tier: "PRO", subscribedTier: "PRO", status: "PAST_DUE" });
    // Integrators hear of it: payment.failed, and the subscription's new status.
    const events = await db.creditEvent.findMany({
      where: { userId: user.id },
      orderBy: { sequence: "asc" },
    });
    expect(events.filter((event) => event.type === "payment.failed")).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          kind: "subscription",
          stripe_subscription_id: subscriptionId,
        }),
      }),
    ]);
    expect(events.at(-1)?.type === "payment.failed" ? events.at(-2) : events.at(-1)).toMatchObject({
      type: "subscription.updated",
      data: { status: "past_due", previous_status: "active" },
    });
    const graceDays = (view.graceEndsAt?.getTime() ?? 0) - Date.now();
    expect(Math.round(graceDays / 86_400_000)).toBe(7);

    // Within the grace period: PRO's limits, beyond FREE's.
    expect(await reportsQuota(caller)).toMatchObject({ used: 0, limit: plans.PRO.quotas.reports });
    await trackReports(caller, freeReports + 3);
    expect(await reportsQuota(caller)).toMatchObject({ used: freeReports + 3 });

    // Eight days after the payment failed (the stored start of the grace period moved back).
    await db.subscription.update({
      where: { userId: user.id },
      data: { pastDueSince: new Date(Date.now() - 8 * 86_400_000) },
    });
    const lapsed = await caller.subscriptions.get();
    expect(lapsed).toMatchObject({ tier: "FREE", subscribedTier: "PRO", status: "PAST_DUE" });
    expect(lapsed.graceEndsAt?.getTime()).toBeLessThan(Date.now());
    // What was used in the grace period still counts, now against FREE's limit.
    expect(await reportsQuota(caller)).toMatchObject({
      used: freeReports + 3,
      limit: freeReports,
      remaining: 0,
    });
    expect((await caller.usage.check({ feature: "reports" })).allowed).toBe(false);
    const refused = await trpcErrorOf(trackReports(caller, 1));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toContain(`of the ${freeReports} reports`);
    const exports = (await caller.subscriptions.quotas()).find((q) => q.feature === "exports");
    expect(exports?.limit).toBe(plans.FREE.quotas.exports);

    // The grace period is configuration: with 30 days the tier still applies, with 0 it never does.
    const longGrace = billedCaller(user, billingWith(fake.url, { BILLING_GRACE_DAYS: "30" }));
    expect((await longGrace.subscriptions.get()).tier).toBe("PRO");
    expect((await reportsQuota(longGrace))?.limit).toBe(plans.PRO.quotas.reports);
    await trackReports(longGrace, 1);
    const noGrace = billedCaller(user, billingWith(fake.url, { BILLING_GRACE_DAYS: "0" }));
    expect((await noGrace.subscriptions.get()).tier).toBe("FREE");

    // The next payment goes through: the tier and its limits are back.
    await deliverAll(await fake.renewSubscription(subscriptionId));
    expect(await caller.subscriptions.get()).toMatchObject({
      tier: "PRO",
      status: "ACTIVE",
      graceEndsAt: null,
    });
    expect((await reportsQuota(caller))?.limit).toBe(plans.PRO.quotas.reports);
  });
});
