// Checkout sessions: created by the API, paid on the hosted page or by the completeCheckout
// simulation (which starts the subscription, records the one-time payment, or in setup mode saves
// the card to the customer), or expired.
import type Stripe from "stripe";
import type { PriceInfo, TestCardName } from "../context.ts";
import { type FakeContext, now, retrieve, type SessionLine } from "../context.ts";
import { FakeStripeError, missing, noSuch } from "../errors.ts";
import { type ApiResult, emit } from "../events.ts";
import { type FormObject, int, list, metadataOf, obj, str } from "../form.ts";
import { apiList, CURRENCY, DAY_SECONDS, newId, PERIOD_SECONDS, shape } from "../objects.ts";
import { createCustomer } from "./customers.ts";
import { createInvoice, periodLines } from "./invoices.ts";
import { createPaymentMethod, createSetupIntent } from "./payment-methods.ts";
import { recordPayment } from "./payments.ts";
import { priceInfo, priceObject } from "./prices.ts";
import { createSubscription } from "./subscriptions.ts";

export function createCheckoutSession(ctx: FakeContext, body: FormObject): Stripe.Checkout.Session {
  const mode = str(body.mode);
  if (!mode) throw missing("mode");
  if (mode !== "subscription" && mode !== "payment" && mode !== "setup") {
    throw new FakeStripeError(
      400,
      `Invalid mode: the fake supports 'subscription', 'payment' and 'setup'.`,
      { param: "mode" },
    );
  }
  const successUrl = str(body.success_url);
  if (!successUrl) throw missing("success_url");
  const customer = str(body.customer) ?? null;
  const customerEmail = str(body.customer_email) ?? null;
  if (customer && customerEmail) {
    throw new FakeStripeError(
      400,
      "You may only specify one of these parameters: customer, customer_email.",
      { param: "customer_email" },
    );
  }
  if (customer && !ctx.state.customers.has(customer))
    throw noSuch("customer", customer, 400, "customer");
  const rawLines = list(body.line_items);
  if (mode === "setup" && rawLines.length > 0) {
    throw new FakeStripeError(400, "You cannot pass `line_items` in `setup` mode.", {
      param: "line_items",
    });
  }
  if (mode !== "setup" && rawLines.length === 0) throw missing("line_items");
  if (mode === "setup" && !customer) {
    throw new FakeStripeError(400, "The fake's setup-mode Checkout needs a `customer`.", {
      param: "customer",
    });
  }
  const futureUsage = str(obj(body.payment_intent_data)?.setup_future_usage);
  const lines: SessionLine[] = rawLines.map((raw, index) => {
    const line = obj(raw) ?? {};
    const quantity = int(line.quantity) ?? 1;
    const priceId = str(line.price);
    if (priceId) return { price: priceInfo(ctx, priceId, mode === "subscription"), quantity };
    const priceData = obj(line.price_data);
    if (!priceData) throw missing(`line_items[${index}][price]`);
    const unitAmount = int(priceData.unit_amount);
    if (unitAmount === undefined) throw missing(`line_items[${index}][price_data][unit_amount]`);
    const price: PriceInfo = {
      id: newId("price_"),
      unitAmount,
      currency: str(priceData.currency)?.toLowerCase() ?? CURRENCY,
      productName: str(obj(priceData.product_data)?.name) ?? "Item",
      recurring: mode === "subscription" || obj(priceData.recurring) !== undefined,
    };
    ctx.adHocPrices.set(price.id, price);
    return { price, quantity };
  });
  const amount = lines.reduce((sum, line) => sum + line.price.unitAmount * line.quantity, 0);
  const created = now(ctx);
  const id = newId("cs_test_");
  const session = shape<Stripe.Checkout.Session>({
    id,
    object: "checkout.session",
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    billing_address_collection: null,
    cancel_url: str(body.cancel_url) ?? null,
    client_reference_id: str(body.client_reference_id) ?? null,
    client_secret: null,
    created,
    currency: mode === "setup" ? null : (lines[0]?.price.currency ?? CURRENCY),
    customer,
    customer_account: null,
    customer_creation: customer ? null : "if_required",
    customer_details: null,
    customer_email: customerEmail,
    discounts: [],
    expires_at: created + DAY_SECONDS,
    invoice: null,
    livemode: false,
    locale: null,
    metadata: metadataOf(body.metadata),
    mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === "subscription" ? "always" : null,
    payment_method_types: ["card"],
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    recovered_from: null,
    setup_intent: null,
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${ctx.baseUrl}/checkout/${id}`,
  });
  ctx.state.checkoutSessions.set(id, session);
  ctx.sessionExtras.set(id, {
    lines,
    subscriptionMetadata: metadataOf(obj(body.subscription_data)?.metadata),
    paymentIntentMetadata: metadataOf(obj(body.payment_intent_data)?.metadata),
    setupFutureUsage:
      futureUsage === "on_session" || futureUsage === "off_session" ? futureUsage : null,
  });
  return session;
}

export function expireCheckoutSession(ctx: FakeContext, id: string): ApiResult {
  const session = retrieve(ctx.state.checkoutSessions, "checkout session", id);
  if (session.status !== "open") {
    throw new FakeStripeError(
      400,
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
    );
  }
  session.status = "expired";
  const events: Stripe.Event[] = [];
  emit(ctx, events, "checkout.session.expired", session);
  return { json: session, events };
}

export function sessionLineItems(
  ctx: FakeContext,
  session: Stripe.Checkout.Session,
): Stripe.ApiList<Stripe.LineItem> {
  const lines = ctx.sessionExtras.get(session.id)?.lines ?? [];
  return apiList(
    lines.map((line) =>
      shape<Stripe.LineItem>({
        id: newId("li_"),
        object: "item",
        amount_discount: 0,
        amount_subtotal: line.price.unitAmount * line.quantity,
        amount_tax: 0,
        amount_total: line.price.unitAmount * line.quantity,
        currency: line.price.currency,
        description: line.price.productName,
        metadata: {},
        price: priceObject(line.price, session.created),
        quantity: line.quantity,
      }),
    ),
    `/v1/checkout/sessions/${session.id}/line_items`,
  );
}

/**
 * The customer pays (or, in setup mode, saves their card) with `card`, one of Stripe's test
 * payment methods. A payment always succeeds here; the card matters for later off-session payments.
 */
export function completeCheckout(
  ctx: FakeContext,
  sessionId: string,
  card: TestCardName = "pm_card_visa",
): Stripe.Event[] {
  const session = retrieve(ctx.state.checkoutSessions, "checkout session", sessionId);
  if (session.status !== "open") {
    throw new FakeStripeError(400, `Checkout session ${sessionId} is ${session.status}, not open.`);
  }
  const extras = ctx.sessionExtras.get(sessionId);
  if (!extras) throw noSuch("checkout session", sessionId);
  const customer =
    typeof session.customer === "string"
      ? retrieve(ctx.state.customers, "customer", session.customer)
      : createCustomer(ctx, session.customer_email, null);
  session.customer = customer.id;
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer.email ?? session.customer_email,
    individual_name: null,
    name: customer.name ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  const events: Stripe.Event[] = [];
  if (session.mode === "setup") {
    const method = createPaymentMethod(ctx, card, customer.id);
    const intent = createSetupIntent(ctx, customer.id, method, { ...session.metadata });
    session.setup_intent = intent.id;
    session.status = "complete";
    emit(ctx, events, "payment_method.attached", method);
    emit(ctx, events, "setup_intent.succeeded", intent);
    emit(ctx, events, "checkout.session.completed", session);
  } else if (session.mode === "subscription") {
    const created = now(ctx);
    const periodEnd = created + PERIOD_SECONDS;
    const subscription = createSubscription(ctx, {
      customer: customer.id,
      currency: session.currency ?? CURRENCY,
      lines: extras.lines,
      metadata: extras.subscriptionMetadata,
      created,
      periodEnd,
    });
    const invoice = createInvoice(ctx, {
      subscription,
      reason: "subscription_create",
      lines: periodLines(ctx, subscription, created, periodEnd),
      paid: true,
      periodStart: created,
      periodEnd: created,
    });
    session.subscription = subscription.id;
    session.invoice = invoice.id;
    session.status = "complete";
    session.payment_status = "paid";
    emit(ctx, events, "customer.subscription.created", subscription);
    emit(ctx, events, "checkout.session.completed", session);
    emit(ctx, events, "invoice.paid", invoice);
  } else {
    const created = now(ctx);
    const amount = session.amount_total ?? 0;
    const currency = session.currency ?? CURRENCY;
    const saved = extras.setupFutureUsage !== null;
    const method = createPaymentMethod(ctx, card, saved ? customer.id : null);
    if (saved) emit(ctx, events, "payment_method.attached", method);
    const intent = recordPayment(ctx, {
      amount,
      currency,
      customer: customer.id,
      email: customer.email,
      description: null,
      metadata: { ...extras.paymentIntentMetadata },
      succeeded: true,
      created,
      paymentMethod: method.id,
      setupFutureUsage: extras.setupFutureUsage,
    });
    session.payment_intent = intent.id;
    session.status = "complete";
    session.payment_status = "paid";
    emit(ctx, events, "checkout.session.completed", session);
  }
  return events;
}
