// The events of changes other than spends, each written by the change's own transaction:
// credits.granted for a grant, a transfer's incoming side and a refund's credits (with the state
// after the change), purchase.refunded for a refund; a refused change writes none; parallel grants
// get one event each, numbered without gaps. subscription.* and hold.expired come from triggers,
// whoever writes the row; credits.expiring from the worker's round, once per grant.
import { describe, expect, it } from "vitest";
import { eventDataSchemas } from "../src/schemas/events.ts";
import { cancelAsOperator, setTierAsOperator } from "../src/service/billing/operator.ts";
import { recordExpiringNotices } from "../src/service/events/expiring.ts";
import { reserveHold } from "../src/service/holds.ts";
import { runExpirySweep } from "../src/service/maintenance.ts";
import { createPurchase, grantCredits, refundPurchase } from "../src/service/operations.ts";
import { transferCredits } from "../src/service/transfers.ts";
import type { Actor } from "../src/service/types.ts";
import { createUser, db, newKey, unconfiguredBilling } from "./fixtures.ts";

const system: Actor = { type: "SYSTEM", id: null };

function grant(userId: string, amount: number) {
  return grantCredits(db, system, {
    userId,
    amount,
    source: "PROMOTION",
    description: "funds",
    idempotencyKey: newKey(),
  });
}

function eventsOf(userId: string) {
  return db.creditEvent.findMany({
    where: { userId },
    orderBy: { sequence: "asc" },
    select: { type: true, data: true, sequence: true },
  });
}

describe("events of changes that add credits", () => {
  it("records credits.granted with the state after the grant, once per grant under concurrency", async () => {
    const user = await createUser();
    await Promise.all(Array.from({ length: 20 }, () => grant(user.id, 5)));
    const events = await eventsOf(user.id);
    expect(events.map((event) => event.type)).toEqual(Array(20).fill("credits.granted"));
    expect(events.map((event) => Number(event.sequence))).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    // The balances after each grant are 5, 10, ... 100 in some order, each once.
    expect(
      events.map((event) => (event.data as { balance: number }).balance).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 20 }, (_, index) => (index + 1) * 5));
    expect(events[0]?.data).toMatchObject({
      amount: 5,
      entry_type: "grant",
      source: "promotion",
      platform_user_id: user.id,
      app_id: "default",
    });
  });

  it("reports a transfer's credits to the recipient and a refund as purchase.refunded", async () => {
    const sender = await createUser();
    const recipient = await createUser();
    await grant(sender.id, 100);
    await transferCredits(db, { type: "USER", id: sender.id }, sender.id, {
      appId: "default",
      to: { userId: recipient.id },
      amount: 30,
      description: "Transfer",
      idempotencyKey: newKey(),
    });
    const [received] = await eventsOf(recipient.id);
    expect(received).toMatchObject({
      type: "credits.granted",
      data: { amount: 30, balance: 30, available: 30, entry_type: "transfer_in" },
    });

    const purchase = await createPurchase(db, system, sender.id, {
      appId: "default",
      itemId: "report",
      itemName: "Report",
      credits: 20,
      idempotencyKey: newKey(),
    });
    await refundPurchase(db, system, {
      purchaseId: purchase.purchaseId,
      amount: 5,
      reason: "partly wrong",
      idempotencyKey: newKey(),
    });
    const events = await eventsOf(sender.id);
    expect(events.slice(-2)).toMatchObject([
      { type: "credits.granted", data: { amount: 5, entry_type: "refund", source: "refund" } },
      {
        type: "purchase.refunded",
        data: {
          purchase_id: purchase.purchaseId,
          refunded: 5,
          refunded_total: 5,
          status: "partially_refunded",
          balance: 55,
        },
      },
    ]);
    // Refunding more than is left is refused and records nothing.
    const before = (await eventsOf(sender.id)).length;
    await expect(
      refundPurchase(db, system, {
        purchaseId: purchase.purchaseId,
        amount: 50,
        reason: "too much",
        idempotencyKey: newKey(),
      }),
    ).rejects.toThrow(/At most 15 credits/);
    expect(await eventsOf(sender.id)).toHaveLength(before);
  });
});

describe("events of plans, holds and time", () => {
  it("records subscription.created, .updated and .canceled, and nothing for a write that changes nothing", async () => {
    const operator = await createUser("ADMIN");
    const actor: Actor = { type: "ADMIN", id: operator.id };
    const user = await createUser();
    await setTierAsOperator(db, unconfiguredBilling, actor, {
      userId: user.id,
      tier: "PRO",
      reason: "trial",
    });
    await db.$executeRaw`UPDATE subscriptions SET updated_at = now() WHERE user_id = ${user.id}::uuid`;
    await setTierAsOperator(db, unconfiguredBilling, actor, {
      userId: user.id,
      tier: "PREMIUM",
      reason: "upgrade",
    });
    await cancelAsOperator(db, unconfiguredBilling, actor, {
      userId: user.id,
      atPeriodEnd: false,
      reason: "closing the account",
    });
    const events = await eventsOf(user.id);
    expect(events.map((event) => event.type)).toEqual([
      "subscription.created",
      "subscription.updated",
      "subscription.canceled",
    ]);
    expect(events[0]?.data).toMatchObject({ tier: "pro", status: "active", user_id: user.id });
    expect(events[1]?.data).toMatchObject({ tier: "premium", previous_tier: "pro" });
    expect(events[2]?.data).toMatchObject({ status: "canceled", previous_status: "active" });
  });

  it("records hold.expired once when the sweep expires a hold, with the credits available again", async () => {
    const user = await createUser();
    await grant(user.id, 100);
    const hold = await reserveHold(db, system, user.id, {
      appId: "default",
      amount: 70,
      ttlSeconds: 60,
      description: "AI job",
      idempotencyKey: newKey(),
    });
    await db.$executeRaw`UPDATE credit_holds SET expires_at = now() - interval '1 second' WHERE id = ${hold.holdId}::uuid`;
    await Promise.all([runExpirySweep(db), runExpirySweep(db)]);
    const expired = (await eventsOf(user.id)).filter((event) => event.type === "hold.expired");
    expect(expired).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          hold_id: hold.holdId,
          amount: 70,
          balance: 100,
          available: 100,
        }),
      }),
    ]);
  });

  it("announces a grant expiring within the notice period once, and not one expiring later", async () => {
    const user = await createUser();
    const soon = new Date(Date.now() + 2 * 86_400_000);
    const later = new Date(Date.now() + 30 * 86_400_000);
    for (const expiresAt of [soon, later]) {
      await grantCredits(db, system, {
        userId: user.id,
        amount: 10,
        source: "PROMOTION",
        description: "expiring",
        expiresAt,
        idempotencyKey: newKey(),
      });
    }
    await Promise.all([recordExpiringNotices(db, 7), recordExpiringNotices(db, 7)]);
    await recordExpiringNotices(db, 7);
    const notices = (await eventsOf(user.id)).filter((event) => event.type === "credits.expiring");
    expect(notices).toHaveLength(1);
    expect(notices[0]?.data).toMatchObject({ amount: 10, expires_at: soon.toISOString() });
  });
});

describe("the event catalogue", () => {
  it("documents exactly what is recorded: every event in this database matches its type's schema", async () => {
    const events = await db.creditEvent.findMany({ select: { id: true, type: true, data: true } });
    const types = new Set(events.map((event) => event.type));
    // This file alone records these; other suites add spends' and expiries' events.
    for (const type of [
      "credits.granted",
      "purchase.refunded",
      "subscription.created",
      "hold.expired",
      "credits.expiring",
    ]) {
      expect(types).toContain(type);
    }
    for (const event of events.filter((recorded) => !recorded.type.startsWith("test."))) {
      const schema = eventDataSchemas[event.type as keyof typeof eventDataSchemas];
      expect(schema, `${event.type} is in the catalogue`).toBeDefined();
      const parsed = schema.safeParse(event.data);
      expect(
        parsed.success,
        `${event.type} ${event.id}: ${JSON.stringify(parsed.error?.issues)}`,
      ).toBe(true);
    }
  });
});
