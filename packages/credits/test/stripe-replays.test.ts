// Events Stripe delivers again days later, freshly signed (it signs every delivery anew), after the
// subscription moved on: cancelled, upgraded, renewed. Time passes on Stripe's side through the
// fake's clock (its objects and events carry the later times), so this file has a fake of its own.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { verifyLedger } from "../src/service/verify.ts";
import { createUser, db, entryCount } from "./fixtures.ts";
import {
  billedCaller,
  creditsOf,
  deliver,
  deliverAll,
  deliverPending,
  eventOfType,
  fake,
  sessionIdOf,
  storedEvent,
  subscribe,
  unreachableBilling,
} from "./stripe-fixtures.ts";

const day = 86_400;

function subscriptionRow(userId: string) {
  return db.subscription.findUniqueOrThrow({ where: { userId } });
}

describe("replays days later", () => {
  it("changes nothing when a cancelled subscription's first events come again", async () => {
    const user = await createUser();
    const { events, subscriptionId } = await subscribe(user, "PRO");
    const entries = await entryCount(user.id);
    fake.advanceClock(3 * day);
    await billedCaller(user).subscriptions.cancel();
    await deliverPending();
    // The period ends: Stripe deletes the subscription.
    await deliverAll(await fake.renewSubscription(subscriptionId));
    expect(fake.state.subscriptions.get(subscriptionId)?.status).toBe("canceled");
    fake.advanceClock(2 * day);

    const replies = await deliverAll(events);
    expect(replies.map((reply) => reply.body.status)).toEqual([
      "PROCESSED",
      "PROCESSED",
      "PROCESSED",
    ]);
    for (const event of events) expect((await storedEvent(event.id))?.attempts).toBe(1);
    expect(await billedCaller(user).subscriptions.get()).toMatchObject({
      tier: "FREE",
      status: "CANCELED",
    });
    expect(await entryCount(user.id)).toBe(entries);
  });

  it("keeps a later upgrade when the subscription's first events come again", async () => {
    const user = await createUser();
    const { events } = await subscribe(user, "PRO");
    fake.advanceClock(4 * day);
    await billedCaller(user).subscriptions.change({ tier: "PREMIUM" });
    await deliverPending();
    expect(await creditsOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
    fake.advanceClock(3 * day);

    // "created" and "checkout.session.completed" said PRO; the first invoice granted PRO's credits.
    await deliverAll(events);
    expect(await subscriptionRow(user.id)).toMatchObject({ tier: "PREMIUM", status: "ACTIVE" });
    expect(await creditsOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
  });

  it("grants one allowance per period when a renewal's events come again a week into the next period", async () => {
    const user = await createUser();
    const { events, subscriptionId } = await subscribe(user, "PRO");
    const renewal = await fake.renewSubscription(subscriptionId);
    await deliverAll(renewal);
    const renewed = await creditsOf(user.id);
    const secondPeriodEnd = (await subscriptionRow(user.id)).currentPeriodEnd;
    fake.advanceClock(7 * day);

    await deliverAll([...renewal, ...events]);
    expect(await creditsOf(user.id)).toBe(renewed);
    expect(await db.stripePayment.count({ where: { stripeSubscriptionId: subscriptionId } })).toBe(
      2,
    );
    expect((await subscriptionRow(user.id)).currentPeriodEnd).toEqual(secondPeriodEnd);
  });
});

/**
 * Subscribes a new user to PRO; the event of `type` fails on its first delivery (Stripe's API out
 * of reach: 500, so Stripe will retry it), the others are processed.
 */
async function subscribeWithOneEventFailing(type: string) {
  const user = await createUser();
  const { url } = await billedCaller(user).subscriptions.checkout({ tier: "PRO" });
  const events = await fake.completeCheckout(sessionIdOf(url));
  fake.takeEvents();
  const failed = eventOfType(events, type);
  expect((await deliver(failed, { billing: unreachableBilling })).status).toBe(500);
  await deliverAll(events.filter((event) => event !== failed));
  return { user, failed };
}

describe("first processed days later", () => {
  it("re-reads Stripe: an old 'created' that failed then comes back leaves the later upgrade", async () => {
    const { user, failed: created } = await subscribeWithOneEventFailing(
      "customer.subscription.created",
    );
    fake.advanceClock(2 * day);
    await billedCaller(user).subscriptions.change({ tier: "PREMIUM" });
    await deliverPending();
    fake.advanceClock(2 * day);

    expect((await deliver(created)).body.status).toBe("PROCESSED");
    expect(await storedEvent(created.id)).toMatchObject({ status: "PROCESSED", attempts: 2 });
    expect(await subscriptionRow(user.id)).toMatchObject({ tier: "PREMIUM" });
    expect(await creditsOf(user.id)).toBe(plans.PREMIUM.monthlyCredits);
  });

  it("records an invoice of a period already over without granting credits that could not be used", async () => {
    const { user, failed: firstInvoice } = await subscribeWithOneEventFailing("invoice.paid");
    expect(await creditsOf(user.id)).toBe(0);
    const subscriptionId = (await subscriptionRow(user.id)).stripeSubscriptionId ?? "";
    // The renewal arrives; the first period's invoice only comes back three days into the second.
    await deliverAll(await fake.renewSubscription(subscriptionId));
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
    fake.advanceClock(3 * day);

    const late = await deliver(firstInvoice);
    expect(late).toMatchObject({ status: 200, body: { status: "PROCESSED" } });
    expect((await storedEvent(firstInvoice.id))?.error).toContain("period was over");
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);
    const invoiceId = (firstInvoice.data.object as { id: string }).id;
    expect(await db.stripePayment.findUnique({ where: { id: invoiceId } })).toMatchObject({
      credits: 0n,
      grantId: null,
    });
    expect(await verifyLedger(db)).toEqual([]);
  });
});
