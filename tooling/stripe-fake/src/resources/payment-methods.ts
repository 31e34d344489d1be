// Payment methods and setup intents. The cards are Stripe's test payment methods: `pm_card_visa`
// pays, `pm_card_chargeDeclined` and `pm_card_chargeCustomerFail` (which Stripe lets you save) are
// declined, `pm_card_authenticationRequired` needs 3-D Secure, which an off-session payment cannot
// do. A Checkout that saves one (setup mode, or a payment with
// `setup_future_usage`) makes a `pm_…` of it attached to the customer, as Stripe does.
import type Stripe from "stripe";
import { type FakeContext, now, retrieve, type TestCardName } from "../context.ts";
import { FakeStripeError } from "../errors.ts";
import { newId, shape } from "../objects.ts";

interface TestCard {
  last4: string;
  /** Stripe's error code, decline code and message for a payment with it; null: it pays. */
  failure: { code: string; declineCode: string; message: string } | null;
}

export const testCards: Record<TestCardName, TestCard> = {
  pm_card_visa: { last4: "4242", failure: null },
  pm_card_chargeDeclined: {
    last4: "0002",
    failure: {
      code: "card_declined",
      declineCode: "generic_decline",
      message: "Your card was declined.",
    },
  },
  pm_card_chargeCustomerFail: {
    last4: "0341",
    failure: {
      code: "card_declined",
      declineCode: "generic_decline",
      message: "Your card was declined.",
    },
  },
  pm_card_authenticationRequired: {
    last4: "3184",
    failure: {
      code: "authentication_required",
      declineCode: "authentication_required",
      message: "Your card was declined. This transaction requires authentication.",
    },
  },
};

export function isTestCard(id: string): id is TestCardName {
  return Object.hasOwn(testCards, id);
}

/** The test card a request names (`payment_method`), `pm_card_visa` when none; others are refused. */
export function testCardOf(value: unknown): TestCardName {
  if (value === undefined || value === "") return "pm_card_visa";
  if (typeof value === "string" && isTestCard(value)) return value;
  throw new FakeStripeError(400, `Unknown test card: ${String(value)}.`, {
    param: "payment_method",
  });
}

/** The test card a payment method was made from. */
export function cardOf(ctx: FakeContext, paymentMethodId: string): TestCard {
  return testCards[ctx.cards.get(paymentMethodId) ?? "pm_card_visa"];
}

/** A new payment method from a test card, attached to `customer` when given. */
export function createPaymentMethod(
  ctx: FakeContext,
  card: TestCardName,
  customer: string | null,
): Stripe.PaymentMethod {
  const method = shape<Stripe.PaymentMethod>({
    id: newId("pm_"),
    object: "payment_method",
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: "visa",
      country: "US",
      display_brand: "visa",
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 5,
      funding: "credit",
      last4: testCards[card].last4,
    },
    created: now(ctx),
    customer,
    livemode: false,
    metadata: {},
    type: "card",
  });
  ctx.state.paymentMethods.set(method.id, method);
  ctx.cards.set(method.id, card);
  return method;
}

/**
 * The payment method a request names: a stored one, or a test card's id (as in Stripe's test
 * mode, each use of `pm_card_visa` makes a new, unattached payment method).
 */
export function resolvePaymentMethod(ctx: FakeContext, id: string): Stripe.PaymentMethod {
  if (isTestCard(id)) return createPaymentMethod(ctx, id, null);
  const found = ctx.state.paymentMethods.get(id);
  if (!found) {
    throw new FakeStripeError(400, `No such PaymentMethod: '${id}'`, {
      code: "resource_missing",
      param: "payment_method",
    });
  }
  return found;
}

/** A succeeded setup intent that saved `method` for off-session use. */
export function createSetupIntent(
  ctx: FakeContext,
  customer: string,
  method: Stripe.PaymentMethod,
  metadata: Record<string, string>,
): Stripe.SetupIntent {
  const intent = shape<Stripe.SetupIntent>({
    id: newId("seti_"),
    object: "setup_intent",
    cancellation_reason: null,
    client_secret: null,
    created: now(ctx),
    customer,
    description: null,
    last_setup_error: null,
    livemode: false,
    metadata,
    next_action: null,
    payment_method: method.id,
    payment_method_types: ["card"],
    status: "succeeded",
    usage: "off_session",
  });
  ctx.state.setupIntents.set(intent.id, intent);
  return intent;
}

/** The customer's saved cards, newest first. */
export function customerPaymentMethods(ctx: FakeContext, customer: string): Stripe.PaymentMethod[] {
  retrieve(ctx.state.customers, "customer", customer);
  return [...ctx.state.paymentMethods.values()]
    .filter((method) => method.customer === customer)
    .reverse();
}
