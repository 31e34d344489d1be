// Auto top-up against the fake Stripe: a card saved through a setup-mode Checkout, the worker's
// round charging it off-session when available credits fall below the threshold, the credits
// granted by the payment_intent.succeeded webhook, and what turns it off. A round covers every
// account of the database, so each test checks its own user's charges, not the round's totals.
import type { SessionUser } from "@credits/auth";
import type { TestCardName } from "@credits/stripe-fake";
import { describe, expect, it } from "vitest";
import { runAutoTopups } from "../src/service/billing/auto-topup/round.ts";
import {
  attemptsOf,
  autoToppedUser,
  eventsOf,
  intentsOf,
  paymentEvents,
  saveCard,
  settings,
  spend,
} from "./auto-topup-fixtures.ts";
import { createUser, db, trpcErrorOf } from "./fixtures.ts";
import {
  billedCaller,
  billing,
  creditsOf,
  deliver,
  deliverAll,
  fake,
  sessionIdOf,
  unreachableBilling,
} from "./stripe-fixtures.ts";

describe("auto top-up settings", () => {
  it("keeps the card a setup-mode Checkout saved and shows it, with nothing set up yet", async () => {
    const user = await createUser();
    await saveCard(user, "pm_card_visa");

    expect(await billedCaller(user).billing.autoTopup()).toMatchObject({
      enabled: false,
      belowCredits: null,
      card: { brand: "visa", last4: "4242" },
      disabledReason: null,
      boughtThisMonth: 0,
      lastAttempt: null,
      paymentsConfigured: true,
    });
  });

  it("refuses to turn on without a saved card, and a monthly cap below the pack's credits", async () => {
    const user = await createUser();
    const caller = billedCaller(user);

    const noCard = await trpcErrorOf(caller.billing.setAutoTopup(settings));
    expect(noCard.message).toMatch(/Save a card first/);
    const tooLow = await trpcErrorOf(
      caller.billing.setAutoTopup({ ...settings, enabled: false, monthlyCapCredits: 499 }),
    );
    expect(tooLow.code).toBe("BAD_REQUEST");
    expect(tooLow.message).toMatch(/monthly cap must be at least the pack's 500 credits/);
    expect(await db.autoTopupSettings.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("a card saved from a pack purchase", () => {
  /** Buys pack_500 through Checkout, paying with `card`; `saveCard` is the user's opt-in. */
  async function buyPack(user: SessionUser, card: TestCardName, saveCard?: boolean) {
    const { url } = await billedCaller(user).billing.buyCredits({ packId: "pack_500", saveCard });
    fake.takeEvents();
    const events = await fake.completeCheckout(sessionIdOf(url), card);
    fake.takeEvents();
    await deliverAll(events);
    const session = fake.state.checkoutSessions.get(sessionIdOf(url));
    return fake.state.paymentIntents.get(String(session?.payment_intent));
  }

  it("becomes the auto top-up card when the user opts in and none is saved, and auto top-up charges it", async () => {
    const user = await createUser();
    const intent = await buyPack(user, "pm_card_visa", true);

    expect(intent?.setup_future_usage).toBe("off_session");
    expect(await creditsOf(user.id)).toBe(500);
    const view = await billedCaller(user).billing.autoTopup();
    expect(view).toMatchObject({ enabled: false, card: { brand: "visa", last4: "4242" } });

    await billedCaller(user).billing.setAutoTopup({ ...settings, belowCredits: 600 });
    await runAutoTopups(db, billing);
    const [attempt] = await attemptsOf(user.id);
    const charge = fake.state.paymentIntents.get(String(attempt?.paymentIntentId));
    expect(charge).toMatchObject({ status: "succeeded", payment_method: intent?.payment_method });
  });

  it("is not kept without the opt-in, and does not replace a card saved for auto top-up", async () => {
    const user = await createUser();
    const unsaved = await buyPack(user, "pm_card_visa");
    expect(unsaved?.setup_future_usage).toBeNull();
    expect((await billedCaller(user).billing.autoTopup()).card).toBeNull();

    await saveCard(user, "pm_card_visa");
    await buyPack(user, "pm_card_chargeCustomerFail", true);
    expect(await creditsOf(user.id)).toBe(1_000);
    expect((await billedCaller(user).billing.autoTopup()).card).toEqual({
      brand: "visa",
      last4: "4242",
    });
  });

  it("refuses a saveCard that is not a boolean, naming the field", async () => {
    const user = await createUser();
    const refused = await trpcErrorOf(
      billedCaller(user).billing.buyCredits({ packId: "pack_500", saveCard: "yes" as never }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/saveCard/);
  });
});

describe("an auto top-up charge", () => {
  it("starts exactly one for a crossing, with 50 spends crossing and 5 rounds side by side, and grants its pack once however often the webhook comes", async () => {
    const { user, caller, customer } = await autoToppedUser(150);
    fake.takeEvents();

    await Promise.all([
      ...Array.from({ length: 50 }, () => spend(caller, 2)),
      ...Array.from({ length: 5 }, () => runAutoTopups(db, billing)),
    ]);
    await Promise.all(Array.from({ length: 5 }, () => runAutoTopups(db, billing)));

    expect(await creditsOf(user.id)).toBe(50);
    const [attempt, ...more] = await attemptsOf(user.id);
    expect(more).toHaveLength(0);
    expect(attempt).toMatchObject({ status: "pending", credits: 500n, amountCents: 500 });
    expect(attempt?.idempotencyKey).toMatch(/^autotopup:[0-9a-f-]{36}:1$/);
    const intents = intentsOf(customer);
    expect(intents.map((intent) => intent.id)).toEqual([attempt?.paymentIntentId]);
    expect(intents[0]).toMatchObject({ amount: 500, status: "succeeded" });
    const [succeeded] = paymentEvents(customer);
    expect(succeeded?.type).toBe("payment_intent.succeeded");
    if (!succeeded) throw new Error("no payment_intent.succeeded");

    // Stripe's retries resend the event (side by side), and another event about the same payment
    // comes: the pack is granted once.
    const replies = await Promise.all([deliver(succeeded), deliver(succeeded)]);
    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    const another = await deliver(fake.event("payment_intent.succeeded", intents[0] ?? {}));
    expect(another.body.status).toBe("IGNORED");

    expect(await creditsOf(user.id)).toBe(550);
    expect((await attemptsOf(user.id))[0]?.status).toBe("succeeded");
    const reported = await eventsOf(user.id, "auto_topup.succeeded");
    expect(reported).toHaveLength(1);
    expect(reported[0]?.data).toMatchObject({
      credits: 500,
      pack_id: "pack_500",
      payment_intent_id: intents[0]?.id,
      balance: 550,
      available: 550,
    });
    expect(await billedCaller(user).billing.autoTopup()).toMatchObject({
      enabled: true,
      boughtThisMonth: 500,
      lastAttempt: { status: "succeeded", credits: 500 },
    });
    // Above the threshold again: the next rounds start nothing.
    await runAutoTopups(db, billing);
    expect(await attemptsOf(user.id)).toHaveLength(1);
  });

  it.each([
    ["pm_card_chargeDeclined", "card_declined", /^Your card was declined; auto top-up is off\./],
    ["pm_card_authenticationRequired", "authentication_required", /Your bank asked to confirm/],
  ] as const)(
    "declined (%s): grants nothing, turns auto top-up off with the reason and records auto_topup.failed once",
    async (card, code, reason) => {
      const { user, customer } = await autoToppedUser(20, card);
      fake.takeEvents();

      await runAutoTopups(db, billing);

      const [attempt] = await attemptsOf(user.id);
      expect(attempt).toMatchObject({ status: "failed", failureCode: code });
      const view = await billedCaller(user).billing.autoTopup();
      expect(view).toMatchObject({ enabled: false, lastAttempt: { status: "failed" } });
      expect(view.disabledReason).toMatch(reason);
      // Stripe's payment_intent.payment_failed arrives after the answer: nothing more happens.
      const [failed] = paymentEvents(customer);
      expect(failed?.type).toBe("payment_intent.payment_failed");
      if (failed) await deliverAll([failed]);

      expect(await creditsOf(user.id)).toBe(20);
      const reported = await eventsOf(user.id, "auto_topup.failed");
      expect(reported).toHaveLength(1);
      expect(reported[0]?.data).toMatchObject({
        failure_code: code,
        auto_topup_enabled: false,
        payment_intent_id: attempt?.paymentIntentId,
        available: 20,
      });
      await runAutoTopups(db, billing);
      expect(await attemptsOf(user.id)).toHaveLength(1);

      // Turned back on (after a new card), it charges again.
      await saveCard(user, "pm_card_visa");
      await billedCaller(user).billing.setAutoTopup(settings);
      expect((await billedCaller(user).billing.autoTopup()).disabledReason).toBeNull();
      await runAutoTopups(db, billing);
      const statuses = (await attemptsOf(user.id)).map((item) => item.status);
      expect(statuses).toEqual(["failed", "pending"]);
      expect(intentsOf(customer).at(-1)?.status).toBe("succeeded");
    },
  );

  it("stops at the monthly cap", async () => {
    const { user, customer } = await autoToppedUser(0, "pm_card_visa", {
      belowCredits: 5_000,
      monthlyCapCredits: 1_000,
    });
    fake.takeEvents();

    for (const expected of [500, 1_000]) {
      await runAutoTopups(db, billing);
      await deliverAll(paymentEvents(customer));
      expect(await creditsOf(user.id)).toBe(expected);
    }
    // Still below 5,000, but a third pack would make 1,500 credits this month.
    expect((await runAutoTopups(db, billing)).capped).toBeGreaterThanOrEqual(1);
    expect(await attemptsOf(user.id)).toHaveLength(2);
    expect(intentsOf(customer)).toHaveLength(2);
    expect((await billedCaller(user).billing.autoTopup()).boughtThisMonth).toBe(1_000);

    // Operators see the same on the user's page, with every charge.
    const operator = billedCaller(await createUser("ADMIN"));
    const seen = await operator.admin.users.autoTopup({ userId: user.id });
    expect(seen.settings).toMatchObject({ enabled: true, monthlyCapCredits: 1_000 });
    expect(seen.attempts.map((attempt) => attempt.status)).toEqual(["succeeded", "succeeded"]);
    const forbidden = await trpcErrorOf(
      billedCaller(user).admin.users.autoTopup({ userId: user.id }),
    );
    expect(forbidden.code).toBe("FORBIDDEN");
  });

  it("is resent with the same idempotency key when Stripe did not answer, so it stays one payment", async () => {
    const { user, customer } = await autoToppedUser(0);

    expect((await runAutoTopups(db, unreachableBilling)).unsent).toBeGreaterThanOrEqual(1);
    const [unsent] = await attemptsOf(user.id);
    expect(unsent).toMatchObject({ status: "pending", paymentIntentId: null });
    expect(intentsOf(customer)).toHaveLength(0);
    // Not yet stale: a round now starts nothing (one charge in flight per account).
    await runAutoTopups(db, billing);
    expect(await attemptsOf(user.id)).toMatchObject([{ paymentIntentId: null }]);

    const stale = new Date(Date.now() - 120_000);
    await db.autoTopupAttempt.update({ where: { id: unsent?.id }, data: { updatedAt: stale } });
    await runAutoTopups(db, billing);
    expect(intentsOf(customer)).toHaveLength(1);
    // As if that answer was lost too: resent again, Stripe answers the same payment intent.
    await db.autoTopupAttempt.update({
      where: { id: unsent?.id },
      data: { updatedAt: stale, paymentIntentId: null },
    });
    await runAutoTopups(db, billing);

    const intents = intentsOf(customer);
    expect(intents).toHaveLength(1);
    expect((await attemptsOf(user.id))[0]?.paymentIntentId).toBe(intents[0]?.id);
  });

  it("ignores a payment intent that is not an auto top-up's", async () => {
    const intent = fake.event("payment_intent.succeeded", {
      id: "pi_checkout_payment",
      object: "payment_intent",
      amount_received: 500,
      currency: "usd",
      metadata: { pack_id: "pack_500" },
    });
    expect((await deliver(intent)).body).toMatchObject({ received: true, status: "IGNORED" });
  });
});
