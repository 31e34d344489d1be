// Auto top-up charges whose Stripe webhook never comes: the worker's maintenance round looks the
// payment intent up on the fake Stripe once AUTO_TOPUP_SETTLE_AFTER_SECONDS have passed and ends the
// charge as the webhook would, once, also when the webhook arrives at the same moment.
import { describe, expect, it } from "vitest";
import { runAutoTopups } from "../src/service/billing/auto-topup/round.ts";
import { settleOverdueAutoTopups } from "../src/service/billing/auto-topup/settle.ts";
import { createStripeClient } from "../src/stripe/config.ts";
import {
  attemptsOf,
  autoToppedUser,
  eventsOf,
  intentsOf,
  paymentEvents,
} from "./auto-topup-fixtures.ts";
import { db } from "./fixtures.ts";
import { billedCaller, billing, creditsOf, deliver, fake, stripe } from "./stripe-fixtures.ts";

const settleAfterSeconds = 600;

/** A user whose charge Stripe answered, with Stripe's webhook for it held back (returned). */
async function chargedWithoutWebhook(credits: number) {
  const account = await autoToppedUser(credits);
  fake.takeEvents();
  await runAutoTopups(db, billing);
  const [attempt] = await attemptsOf(account.user.id);
  if (!attempt?.paymentIntentId) throw new Error("the round sent no charge");
  const [webhook] = paymentEvents(account.customer);
  if (!webhook) throw new Error("the fake sent no payment event");
  return { ...account, attempt, webhook };
}

/** Makes the charge look sent `seconds` ago. */
const sentAgo = (attemptId: string, seconds: number) =>
  db.autoTopupAttempt.update({
    where: { id: attemptId },
    data: { updatedAt: new Date(Date.now() - seconds * 1_000) },
  });

const settle = () => settleOverdueAutoTopups(db, stripe, settleAfterSeconds);

describe("an auto top-up whose webhook never came", () => {
  it("is left alone before the interval, then granted once from Stripe's payment intent, and the late webhook grants nothing more", async () => {
    const { user, attempt, webhook } = await chargedWithoutWebhook(20);

    await sentAgo(attempt.id, settleAfterSeconds - 30);
    await settle();
    expect((await attemptsOf(user.id))[0]?.status).toBe("pending");
    expect(await creditsOf(user.id)).toBe(20);

    await sentAgo(attempt.id, settleAfterSeconds + 1);
    await settle();
    expect((await attemptsOf(user.id))[0]?.status).toBe("succeeded");
    expect(await creditsOf(user.id)).toBe(520);
    expect(await eventsOf(user.id, "auto_topup.succeeded")).toHaveLength(1);
    expect(await eventsOf(user.id, "credits.granted")).toHaveLength(2);

    // Stripe's webhook does arrive in the end: already granted, nothing changes.
    const reply = await deliver(webhook);
    expect(reply.body).toMatchObject({ received: true, status: "IGNORED" });
    await sentAgo(attempt.id, settleAfterSeconds + 1);
    await settle();
    expect(await creditsOf(user.id)).toBe(520);
    expect(await eventsOf(user.id, "auto_topup.succeeded")).toHaveLength(1);
  });

  it("grants once when the settling round and the webhook (twice) come side by side", async () => {
    const { user, attempt, webhook } = await chargedWithoutWebhook(0);
    await sentAgo(attempt.id, settleAfterSeconds + 1);

    const [round] = await Promise.all([settle(), deliver(webhook), deliver(webhook)]);

    expect(round.unreachable).toBe(0);
    expect(await creditsOf(user.id)).toBe(500);
    expect(await eventsOf(user.id, "auto_topup.succeeded")).toHaveLength(1);
    expect(
      await db.stripePayment.count({ where: { paymentIntentId: attempt.paymentIntentId } }),
    ).toBe(1);
    expect((await attemptsOf(user.id))[0]?.status).toBe("succeeded");
  });

  it("fails it and turns auto top-up off when Stripe's payment intent says the payment failed", async () => {
    const { user, customer, attempt } = await chargedWithoutWebhook(20);
    // On Stripe's side the payment failed after it was answered (its payment_intent.payment_failed
    // is what never came). The fake's intent is changed as Stripe's would be.
    const intent = intentsOf(customer).find((item) => item.id === attempt.paymentIntentId);
    if (!intent) throw new Error("no payment intent");
    Object.assign(intent, {
      status: "requires_payment_method",
      amount_received: 0,
      last_payment_error: { type: "card_error", code: "card_declined", message: "Declined." },
    });
    await sentAgo(attempt.id, settleAfterSeconds + 1);

    expect((await settle()).failed).toBeGreaterThanOrEqual(1);

    expect(await creditsOf(user.id)).toBe(20);
    expect((await attemptsOf(user.id))[0]).toMatchObject({
      status: "failed",
      failureCode: "card_declined",
    });
    const view = await billedCaller(user).billing.autoTopup();
    expect(view.enabled).toBe(false);
    expect(view.disabledReason).toMatch(/^Your card was declined; auto top-up is off\./);
    const [failed, ...more] = await eventsOf(user.id, "auto_topup.failed");
    expect(more).toHaveLength(0);
    expect(failed?.data).toMatchObject({
      failure_code: "card_declined",
      auto_topup_enabled: false,
    });
  });

  it("keeps a charge pending while Stripe cannot be asked, for a later round", async () => {
    const { user, attempt } = await chargedWithoutWebhook(20);
    await sentAgo(attempt.id, settleAfterSeconds + 1);
    const offline = createStripeClient("sk_test_fake", "http://127.0.0.1:9");
    const round = await settleOverdueAutoTopups(db, offline, settleAfterSeconds);
    expect(round.unreachable).toBeGreaterThanOrEqual(1);
    expect((await attemptsOf(user.id))[0]?.status).toBe("pending");

    await sentAgo(attempt.id, settleAfterSeconds + 1);
    await settle();
    expect(await creditsOf(user.id)).toBe(520);
  });
});
