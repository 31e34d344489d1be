// The Stripe webhook: signatures, at-most-once processing however events are delivered (twice,
// concurrently, days later, out of order), and failures that are retried.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { verifyLedger } from "../src/service/verify.ts";
import { receiveStripeWebhook } from "../src/stripe/webhook.ts";
import { createUser, db, entryCount, trpcErrorOf } from "./fixtures.ts";
import {
  billedCaller,
  billing,
  buyPack,
  creditsOf,
  deliver,
  deliverAll,
  eventOfType,
  fake,
  sessionIdOf,
  storedEvent,
  subscribe,
  unreachableBilling,
  webhookSecret,
} from "./stripe-fixtures.ts";

describe("webhook signature", () => {
  it("refuses a missing or bad signature with 400 and stores nothing", async () => {
    const event = fake.event("invoice.paid", { id: "in_unsigned", object: "invoice" });
    const payload = JSON.stringify(event);
    const missing = await receiveStripeWebhook(db, billing, payload, null);
    expect(missing.status).toBe(400);
    const forged = await receiveStripeWebhook(
      db,
      billing,
      payload,
      fake.signatureFor(payload, "whsec_someone_else"),
    );
    expect(forged.status).toBe(400);
    const tampered = await receiveStripeWebhook(
      db,
      billing,
      payload.replace("in_unsigned", "in_tampered"),
      fake.signatureFor(payload, webhookSecret),
    );
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toContain("Invalid signature");
    expect(await storedEvent(event.id)).toBeNull();
  });

  it("answers 503 when no webhook secret is configured", async () => {
    const event = fake.event("invoice.paid", { id: "in_x", object: "invoice" });
    const payload = JSON.stringify(event);
    const reply = await receiveStripeWebhook(
      db,
      { ...billing, webhookSecret: null },
      payload,
      fake.signatureFor(payload, webhookSecret),
    );
    expect(reply.status).toBe(503);
    expect(await storedEvent(event.id)).toBeNull();
  });

  it("records unknown event types as ignored, with 200", async () => {
    const event = fake.event("customer.tax_id.created", { id: "txi_1", object: "tax_id" });
    const reply = await deliver(event);
    expect(reply).toEqual({ status: 200, body: { received: true, status: "IGNORED" } });
    expect(await storedEvent(event.id)).toMatchObject({
      status: "IGNORED",
      type: "customer.tax_id.created",
    });
  });
});

describe("subscription checkout", () => {
  it("gives the tier and one allowance expiring at period end, however often events arrive", async () => {
    const user = await createUser();
    const { events, subscriptionId } = await subscribe(user, "PRO");
    expect(events.map((event) => event.type)).toEqual([
      "customer.subscription.created",
      "checkout.session.completed",
      "invoice.paid",
    ]);
    const view = await billedCaller(user).subscriptions.get();
    expect(view).toMatchObject({ tier: "PRO", status: "ACTIVE", managedBy: "stripe" });
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
    const [grant] = await billedCaller(user).credits.grants();
    expect(grant?.expiresAt?.getTime()).toBe(view.currentPeriodEnd?.getTime());

    // The same events again, then the invoice 8 times at once: nothing more is granted.
    const entries = await entryCount(user.id);
    const again = await deliverAll(events);
    expect(again.map((reply) => reply.body.status)).toEqual([
      "PROCESSED",
      "PROCESSED",
      "PROCESSED",
    ]);
    const invoicePaid = eventOfType(events, "invoice.paid");
    const racing = await Promise.all(Array.from({ length: 8 }, () => deliver(invoicePaid)));
    for (const reply of racing) expect(reply.status).toBe(200);
    expect(await entryCount(user.id)).toBe(entries);
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
    expect(await db.stripePayment.count({ where: { stripeSubscriptionId: subscriptionId } })).toBe(
      1,
    );
  });

  it("accepts a redelivery days later (freshly signed) without effect, and refuses a stale signature", async () => {
    const user = await createUser();
    const { events } = await subscribe(user, "PRO");
    const invoicePaid = eventOfType(events, "invoice.paid");
    const threeDays = 3 * 86_400;
    const entries = await entryCount(user.id);
    const redelivered = await deliver(invoicePaid);
    expect(redelivered.status).toBe(200);
    const stale = await deliver(invoicePaid, {
      timestamp: Math.floor(Date.now() / 1000) - threeDays,
    });
    expect(stale.status).toBe(400);
    expect(await entryCount(user.id)).toBe(entries);
  });

  it("grants once when the invoice arrives before the subscription and checkout events", async () => {
    const user = await createUser();
    const { url } = await billedCaller(user).subscriptions.checkout({ tier: "PREMIUM" });
    const events = await fake.completeCheckout(url.split("/").pop() ?? "");
    fake.takeEvents();
    await deliverAll([...events].reverse());
    expect((await billedCaller(user).subscriptions.get()).tier).toBe("PREMIUM");
    expect(await creditsOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
  });
});

describe("first deliveries at once", () => {
  /** Each event `times` times, all at once, none of them delivered before. */
  function deliverAtOnce(events: Stripe.Event[], times: number) {
    return Promise.all(
      events.flatMap((event) => Array.from({ length: times }, () => deliver(event))),
    );
  }

  it("applies a subscription's events once when each arrives 8 times at once, for the first time", async () => {
    const user = await createUser();
    const { url } = await billedCaller(user).subscriptions.checkout({ tier: "PRO" });
    const events = await fake.completeCheckout(sessionIdOf(url));
    fake.takeEvents();
    // As if the customer were not linked yet: the events link it, each trying first.
    await db.user.update({ where: { id: user.id }, data: { stripeCustomerId: null } });
    const replies = await deliverAtOnce(events, 8);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    for (const event of events) {
      expect(await storedEvent(event.id)).toMatchObject({ status: "PROCESSED", attempts: 1 });
    }
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
    expect(await db.creditGrant.count({ where: { account: { userId: user.id } } })).toBe(1);
    expect(await db.stripePayment.count({ where: { userId: user.id } })).toBe(1);
    expect((await billedCaller(user).subscriptions.get()).tier).toBe("PRO");
  });

  it("grants a credit pack once when its paid-session events arrive 8 times each at once", async () => {
    const user = await createUser();
    const { events, sessionId } = await buyPack(user, "pack_500");
    const completed = eventOfType(events, "checkout.session.completed");
    const succeeded = fake.event(
      "checkout.session.async_payment_succeeded",
      completed.data.object as object,
    );
    const replies = await deliverAtOnce([completed, succeeded], 8);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    // One of the two events granted; the other found the payment claimed.
    const statuses = [
      (await storedEvent(completed.id))?.status,
      (await storedEvent(succeeded.id))?.status,
    ].sort();
    expect(statuses).toEqual(["IGNORED", "PROCESSED"]);
    expect(await creditsOf(user.id)).toBe(500);
    expect(await db.creditGrant.count({ where: { stripeObjectId: sessionId } })).toBe(1);
    expect(await verifyLedger(db)).toEqual([]);
  });
});

describe("out-of-order subscription events", () => {
  it("ends with Stripe's latest state even when an older event arrives last", async () => {
    const user = await createUser();
    const { events, subscriptionId } = await subscribe(user, "PRO");
    const created = eventOfType(events, "customer.subscription.created");
    await billedCaller(user).subscriptions.cancel();
    const updates = fake.takeEvents();
    expect(updates.map((event) => event.type)).toContain("customer.subscription.updated");
    // The cancellation's event first, then the stale "created" (which said: not cancelling).
    await deliverAll(updates);
    await deliverAll([created]);
    const row = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({
      stripeSubscriptionId: subscriptionId,
      cancelAtPeriodEnd: true,
      tier: "PRO",
    });
  });

  it("processes events of one subscription delivered concurrently into one final state", async () => {
    const user = await createUser();
    const { events } = await subscribe(user, "PRO");
    await billedCaller(user).subscriptions.cancel();
    await billedCaller(user).subscriptions.resume();
    await billedCaller(user).subscriptions.cancel();
    const updates = [...fake.takeEvents(), ...events];
    const replies = await Promise.all(updates.map((event) => deliver(event)));
    for (const reply of replies) expect(reply.status).toBe(200);
    const row = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.cancelAtPeriodEnd).toBe(true);
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
  });
});

describe("failures", () => {
  it("answers 500 and records FAILED when Stripe cannot be reached, then an operator's retry succeeds", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    await subscribe(user, "PRO");
    await billedCaller(user).subscriptions.cancel();
    const [update] = fake.takeEvents();
    if (!update) throw new Error("no update event");
    const reply = await deliver(update, { billing: unreachableBilling });
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toMatch(/127\.0\.0\.1|stack|SELECT/);
    const failed = await storedEvent(update.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed?.error).toContain("Stripe API error");
    const listed = await billedCaller(admin).admin.stripeEvents.list({ status: "FAILED" });
    expect(listed.events.map((event) => event.id)).toContain(update.id);
    expect(
      (await billedCaller(admin).admin.overview({})).billing.failedStripeEvents,
    ).toBeGreaterThan(0);

    const retried = await billedCaller(admin).admin.stripeEvents.retry({ eventId: update.id });
    expect(retried.status).toBe("PROCESSED");
    expect(await storedEvent(update.id)).toMatchObject({ status: "PROCESSED", attempts: 2 });
    const again = await trpcErrorOf(
      billedCaller(admin).admin.stripeEvents.retry({ eventId: update.id }),
    );
    expect(again.code).toBe("CONFLICT");
  });
});
