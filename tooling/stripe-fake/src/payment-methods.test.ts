// Saved cards and off-session payments, through the real SDK: a setup-mode Checkout or a payment
// with setup_future_usage saves the card, and payment intents on it succeed or fail per test card.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeStripe, startFakeStripe, type TestCardName } from "./index.ts";

let fake: FakeStripe;
let stripe: Stripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  stripe = new Stripe("sk_test_fake", { ...fake.sdkConfig, maxNetworkRetries: 0 });
});
afterAll(() => fake.close());

/** A customer with `card` saved through a setup-mode Checkout; returns the saved card's id. */
async function customerWithCard(card: TestCardName) {
  const customer = await stripe.customers.create({ email: "card@example.test" });
  const session = await stripe.checkout.sessions.create({
    mode: "setup",
    customer: customer.id,
    success_url: "http://app.test/billing",
    metadata: { user_id: "u_card" },
  });
  fake.takeEvents();
  const events = await fake.completeCheckout(session.id, card);
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  const intent = await stripe.setupIntents.retrieve(String(completed.setup_intent));
  return { customer: customer.id, paymentMethod: String(intent.payment_method), events };
}

const offSession = (customer: string, paymentMethod: string) => ({
  amount: 500,
  currency: "usd",
  customer,
  payment_method: paymentMethod,
  off_session: true,
  confirm: true,
  metadata: { purpose: "test" },
});

describe("saved cards and off-session payments in the fake Stripe", () => {
  it("saves the card of a setup-mode Checkout to the customer and says so in checkout.session.completed", async () => {
    const { customer, paymentMethod, events } = await customerWithCard("pm_card_visa");

    expect(events.map((event) => event.type)).toEqual([
      "payment_method.attached",
      "setup_intent.succeeded",
      "checkout.session.completed",
    ]);
    const session = events[2]?.data.object as Stripe.Checkout.Session;
    expect(session).toMatchObject({ mode: "setup", status: "complete", customer });
    const method = await stripe.paymentMethods.retrieve(paymentMethod);
    expect(method).toMatchObject({
      customer,
      type: "card",
      card: { brand: "visa", last4: "4242" },
    });
    const saved = await stripe.customers.listPaymentMethods(customer);
    expect(saved.data.map((item) => item.id)).toEqual([paymentMethod]);
  });

  it("saves the paying card of a payment-mode Checkout with setup_future_usage", async () => {
    const customer = await stripe.customers.create({ email: "future@example.test" });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [
        {
          price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Pack" } },
          quantity: 1,
        },
      ],
      payment_intent_data: { setup_future_usage: "off_session" },
      success_url: "http://app.test/billing",
    });
    await fake.completeCheckout(session.id);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    const intent = await stripe.paymentIntents.retrieve(String(completed.payment_intent));

    expect(intent.setup_future_usage).toBe("off_session");
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data.map((item) => item.id)).toEqual([intent.payment_method]);
  });

  it("charges a saved card off-session, sends payment_intent.succeeded, and replays the same intent for the same Idempotency-Key", async () => {
    const { customer, paymentMethod } = await customerWithCard("pm_card_visa");
    fake.takeEvents();

    const first = await stripe.paymentIntents.create(offSession(customer, paymentMethod), {
      idempotencyKey: "autotopup:test:1",
    });
    const again = await stripe.paymentIntents.create(offSession(customer, paymentMethod), {
      idempotencyKey: "autotopup:test:1",
    });

    expect(first).toMatchObject({
      status: "succeeded",
      amount: 500,
      payment_method: paymentMethod,
    });
    expect(first.metadata).toEqual({ purpose: "test" });
    expect(again.id).toBe(first.id);
    const events = fake.takeEvents();
    expect(events.map((event) => event.type)).toEqual(["payment_intent.succeeded"]);
    expect(events[0]?.data.object).toMatchObject({ id: first.id });
    const charge = await stripe.charges.retrieve(String(first.latest_charge));
    expect(charge).toMatchObject({ paid: true, amount: 500 });
  });

  it.each([
    ["pm_card_chargeDeclined", "card_declined", "Your card was declined."],
    ["pm_card_chargeCustomerFail", "card_declined", "Your card was declined."],
    [
      "pm_card_authenticationRequired",
      "authentication_required",
      "Your card was declined. This transaction requires authentication.",
    ],
  ] as const)(
    "fails an off-session payment with %s: StripeCardError %s and payment_intent.payment_failed",
    async (card, code, message) => {
      const { customer, paymentMethod } = await customerWithCard(card);
      fake.takeEvents();

      const attempt = stripe.paymentIntents.create(offSession(customer, paymentMethod), {
        idempotencyKey: `declined:${card}`,
      });

      await expect(attempt).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
      const error = (await attempt.catch(
        (caught: unknown) => caught,
      )) as Stripe.errors.StripeCardError;
      expect(error).toMatchObject({ statusCode: 402, code, message });
      const intent = error.payment_intent;
      expect(intent).toMatchObject({ status: "requires_payment_method", customer });
      expect(intent?.last_payment_error).toMatchObject({ code, type: "card_error" });
      const events = fake.takeEvents();
      expect(events.map((event) => event.type)).toEqual(["payment_intent.payment_failed"]);
      // The same key answers the same failure, with no second payment.
      const replay = await stripe.paymentIntents
        .create(offSession(customer, paymentMethod), { idempotencyKey: `declined:${card}` })
        .catch((caught: unknown) => caught as Stripe.errors.StripeCardError);
      expect(replay).toMatchObject({ code, payment_intent: { id: intent?.id } });
      expect(fake.takeEvents()).toEqual([]);
    },
  );

  it("charges Stripe's test card ids directly, and refuses a card saved to another customer", async () => {
    const other = await customerWithCard("pm_card_visa");
    const customer = await stripe.customers.create({ email: "direct@example.test" });

    const direct = await stripe.paymentIntents.create(offSession(customer.id, "pm_card_visa"));
    expect(direct.status).toBe("succeeded");
    await expect(
      stripe.paymentIntents.create(offSession(customer.id, other.paymentMethod)),
    ).rejects.toMatchObject({ statusCode: 400, param: "payment_method" });
  });
});
