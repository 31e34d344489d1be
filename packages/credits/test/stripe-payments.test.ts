import { describe, expect, it } from "vitest";
import { verifyLedger } from "../src/service/verify.ts";
import { createUser, db, newKey } from "./fixtures.ts";
import {
  billedCaller,
  buyPack,
  creditsOf,
  deliverAll,
  eventOfType,
  fake,
} from "./stripe-fixtures.ts";

function disputeIdOf(events: { data: { object: unknown } }[]): string {
  const dispute = events[0]?.data.object as { id?: string } | undefined;
  if (!dispute?.id) throw new Error("no dispute among the events");
  return dispute.id;
}

describe("credit packs", () => {
  it("grants a pack once for the checkout event and the async-payment event of one payment", async () => {
    const user = await createUser();
    const { events, sessionId } = await buyPack(user, "pack_500");
    await deliverAll(events);
    const completed = eventOfType(events, "checkout.session.completed");
    const succeeded = fake.event(
      "checkout.session.async_payment_succeeded",
      completed.data.object as object,
    );
    await deliverAll([succeeded]);
    expect(await creditsOf(user.id)).toBe(500);
    expect(await db.stripePayment.findUnique({ where: { id: sessionId } })).toMatchObject({
      kind: "CREDIT_PACK",
      credits: 500n,
    });
    const history = await billedCaller(user).credits.history({});
    expect(history.entries[0]).toMatchObject({
      type: "GRANT",
      description: "Bought 500 credits",
      actorType: "STRIPE",
    });
  });

  it("grants nothing for a failed asynchronous payment", async () => {
    const user = await createUser();
    const { events } = await buyPack(user, "pack_500");
    const completed = eventOfType(events, "checkout.session.completed");
    const failed = fake.event("checkout.session.async_payment_failed", {
      ...(completed.data.object as object),
      payment_status: "unpaid",
    });
    const unpaid = fake.event("checkout.session.completed", {
      ...(completed.data.object as object),
      payment_status: "unpaid",
    });
    await deliverAll([unpaid, failed]);
    expect(await creditsOf(user.id)).toBe(0);
    // Integrators hear of the failure once, whatever Stripe sends twice.
    await deliverAll([failed]);
    const failures = await db.creditEvent.findMany({
      where: { userId: user.id, type: "payment.failed" },
    });
    expect(failures).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ kind: "checkout" }) }),
    ]);
  });
});

describe("refunds and disputes", () => {
  it("takes back credits in proportion to a partial refund, and records what was already spent", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const { events, chargeId, sessionId } = await buyPack(user, "pack_500");
    await deliverAll(events);
    // Half refunded: 250 credits come back out.
    await deliverAll(await fake.refundCharge(chargeId, 250));
    expect(await creditsOf(user.id)).toBe(250);
    // The user spends 200; the rest of the payment is refunded: only 50 can be taken.
    await billedCaller(user).usage.track({
      feature: "ai_generations",
      quantity: 40,
      idempotencyKey: newKey(),
    });
    const refund = await fake.refundCharge(chargeId, 250);
    await deliverAll([...refund, ...refund]);
    expect(await creditsOf(user.id)).toBe(0);
    expect(await db.stripePayment.findUnique({ where: { id: sessionId } })).toMatchObject({
      amountRefunded: 500n,
      creditsClawedBack: 300n,
      shortfall: 200n,
    });
    const overview = await billedCaller(admin).admin.overview({});
    expect(overview.billing.shortfalls).toContainEqual(
      expect.objectContaining({ paymentId: sessionId, credits: 200, email: user.email }),
    );
  });

  it("takes a refund during a dispute from the held credits, keeping the rest on hold, with no false shortfall", async () => {
    const user = await createUser();
    const { events, chargeId, sessionId } = await buyPack(user, "pack_500");
    await deliverAll(events);
    const opened = await fake.openDispute(chargeId);
    await deliverAll(opened);
    const balance = async () => (await billedCaller(user).credits.balance()).apps[0];
    expect(await balance()).toMatchObject({ balance: 500, held: 500, available: 0 });

    // Half refunded while the dispute is open: 250 of the held credits go, 250 stay held.
    const refund = await fake.refundCharge(chargeId, 250);
    await deliverAll([...refund, ...refund]);
    expect(await balance()).toMatchObject({ balance: 250, held: 250, available: 0 });
    expect(await db.stripePayment.findUnique({ where: { id: sessionId } })).toMatchObject({
      creditsClawedBack: 250n,
      shortfall: 0n,
    });
    const holds = await db.creditHold.findMany({
      where: { account: { userId: user.id } },
      orderBy: { createdAt: "asc" },
      select: { amount: true, status: true, expiresAt: true },
    });
    expect(holds.map((hold) => [hold.amount, hold.status])).toEqual([
      [500n, "RELEASED"],
      [250n, "ACTIVE"],
    ]);
    expect(holds[1]?.expiresAt).toEqual(holds[0]?.expiresAt);

    // Won: what was not refunded is the user's again.
    await deliverAll(await fake.closeDispute(disputeIdOf(opened), "won"));
    expect(await balance()).toMatchObject({ balance: 250, held: 0, available: 250 });
    expect(await verifyLedger(db)).toEqual([]);
  });

  it("records as shortfall only what was spent when a disputed payment is refunded, and a lost dispute takes nothing more", async () => {
    const user = await createUser();
    const { events, chargeId, sessionId } = await buyPack(user, "pack_500");
    await deliverAll(events);
    await billedCaller(user).usage.track({
      feature: "ai_generations",
      quantity: 40,
      idempotencyKey: newKey(),
    });
    const opened = await fake.openDispute(chargeId);
    await deliverAll(opened);
    // 300 left, all held. The whole charge is refunded: the 300 held are taken, 200 were spent.
    await deliverAll(await fake.refundCharge(chargeId, 500));
    expect(await db.stripePayment.findUnique({ where: { id: sessionId } })).toMatchObject({
      creditsClawedBack: 300n,
      shortfall: 200n,
    });
    expect((await billedCaller(user).credits.balance()).apps[0]).toMatchObject({
      balance: 0,
      held: 0,
    });
    await deliverAll(await fake.closeDispute(disputeIdOf(opened), "lost"));
    expect(await db.stripePayment.findUnique({ where: { id: sessionId } })).toMatchObject({
      creditsClawedBack: 300n,
      shortfall: 200n,
      disputeStatus: "lost",
    });
    expect(await verifyLedger(db)).toEqual([]);
  });

  it("holds a disputed payment's credits, releases them when won and takes them when lost", async () => {
    const winner = await createUser();
    const won = await buyPack(winner, "pack_500");
    await deliverAll(won.events);
    const opened = await fake.openDispute(won.chargeId);
    await deliverAll(opened);
    await deliverAll(opened);
    expect((await billedCaller(winner).credits.balance()).apps[0]).toMatchObject({
      balance: 500,
      held: 500,
      available: 0,
    });
    const disputeId = disputeIdOf(opened);
    await deliverAll(await fake.closeDispute(disputeId, "won"));
    expect((await billedCaller(winner).credits.balance()).apps[0]).toMatchObject({
      balance: 500,
      available: 500,
    });

    const loser = await createUser();
    const lost = await buyPack(loser, "pack_500");
    await deliverAll(lost.events);
    await billedCaller(loser).usage.track({
      feature: "ai_generations",
      quantity: 20,
      idempotencyKey: newKey(),
    });
    const disputed = await fake.openDispute(lost.chargeId);
    await deliverAll(disputed);
    const lostId = disputeIdOf(disputed);
    const closed = await fake.closeDispute(lostId, "lost");
    await deliverAll([...closed, ...closed]);
    expect(await creditsOf(loser.id)).toBe(0);
    expect(await db.stripePayment.findUnique({ where: { id: lost.sessionId } })).toMatchObject({
      creditsClawedBack: 400n,
      shortfall: 100n,
      disputeStatus: "lost",
    });
    expect(await verifyLedger(db)).toEqual([]);
  });
});
