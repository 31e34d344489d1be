// The fake as its users meet it: the real SDK over HTTP, the control endpoints and the hosted
// Checkout page a browser would use, and the signed webhooks it sends to a real listener.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeStripe, startFakeStripe } from "./index.ts";

const webhookSecret = "whsec_stripe_fake_smoke";
const proPrice = "price_pro";

interface Delivery {
  payload: string;
  signature: string;
}

let receiver: Server;
let fake: FakeStripe;
let stripe: Stripe;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      deliveries.push({
        payload: Buffer.concat(chunks).toString("utf8"),
        signature: String(req.headers["stripe-signature"]),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  fake = await startFakeStripe({
    prices: { [proPrice]: 1_900 },
    webhook: { url: `http://127.0.0.1:${port}/webhook`, secret: webhookSecret },
  });
  // No retries: a request the fake answers wrongly fails the test instead of being sent again.
  stripe = new Stripe("sk_test_fake", { ...fake.sdkConfig, maxNetworkRetries: 0 });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
  deliveries.splice(0);
});

/** Every delivery so far, verified as the platform's webhook route verifies it. */
function verifiedEvents(): Stripe.Event[] {
  return deliveries.map(({ payload, signature }) =>
    stripe.webhooks.constructEvent(payload, signature, webhookSecret),
  );
}

async function subscriptionCheckout(customer: string): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: [{ price: proPrice, quantity: 1 }],
    success_url: "http://app.test/billing?session={CHECKOUT_SESSION_ID}",
    subscription_data: { metadata: { user_id: "u_smoke" } },
  });
}

describe("the fake Stripe, driven by the real SDK", () => {
  it("creates and retrieves customers, replays an idempotent create, and answers an unknown id with resource_missing", async () => {
    const created = await stripe.customers.create(
      { email: "ada@example.test", name: "Ada", metadata: { user_id: "u_ada" } },
      { idempotencyKey: "smoke-customer-ada" },
    );
    const replayed = await stripe.customers.create(
      { email: "ada@example.test", name: "Ada", metadata: { user_id: "u_ada" } },
      { idempotencyKey: "smoke-customer-ada" },
    );

    expect(created.id).toMatch(/^cus_/);
    expect(replayed.id).toBe(created.id);
    const retrieved = await stripe.customers.retrieve(created.id);
    expect(retrieved).toMatchObject({
      id: created.id,
      email: "ada@example.test",
      metadata: { user_id: "u_ada" },
    });
    const unknown = stripe.customers.retrieve("cus_missing");
    await expect(unknown).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(unknown).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("completes a subscription checkout through the control endpoint and sends its events, signed, in order", async () => {
    const customer = await stripe.customers.create({ email: "grace@example.test" });
    const session = await subscriptionCheckout(customer.id);
    expect(session.url).toBe(`${fake.url}/checkout/${session.id}`);

    const response = await fetch(`${fake.url}/_fake/checkout/${session.id}/complete`, {
      method: "POST",
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { events: Stripe.Event[] };

    // The control endpoint answers only once the webhooks were delivered.
    const events = verifiedEvents();
    expect(events.map((event) => event.type)).toEqual([
      "customer.subscription.created",
      "checkout.session.completed",
      "invoice.paid",
    ]);
    expect(events.map((event) => event.id)).toEqual(answer.events.map((event) => event.id));
    const [delivery] = deliveries;
    expect(() =>
      stripe.webhooks.constructEvent(
        delivery?.payload ?? "",
        delivery?.signature ?? "",
        "whsec_other",
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);

    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ status: "complete", payment_status: "paid" });
    const subscription = await stripe.subscriptions.retrieve(String(completed.subscription));
    expect(subscription).toMatchObject({
      status: "active",
      customer: customer.id,
      metadata: { user_id: "u_smoke" },
    });
    expect(subscription.items.data[0]?.price.id).toBe(proPrice);
    const invoice = await stripe.invoices.retrieve(String(completed.invoice));
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 1_900 });
  });

  it("sends the event of an API change after answering, with the previous values", async () => {
    const customer = await stripe.customers.create({ email: "linus@example.test" });
    await fake.completeCheckout((await subscriptionCheckout(customer.id)).id);
    const [subscription] = (await stripe.subscriptions.list({ customer: customer.id })).data;
    deliveries.splice(0);

    const updated = await stripe.subscriptions.update(subscription?.id ?? "", {
      cancel_at_period_end: true,
    });

    expect(updated.cancel_at_period_end).toBe(true);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1));
    const [event] = verifiedEvents();
    expect(event?.type).toBe("customer.subscription.updated");
    expect(event?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
  });

  it("completes a payment-mode checkout from the hosted page's Pay button and redirects to the success URL", async () => {
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer_email: "alan@example.test",
      line_items: [
        {
          price_data: { currency: "usd", unit_amount: 2_500, product_data: { name: "Credits" } },
          quantity: 2,
        },
      ],
      success_url: "http://app.test/credits?session={CHECKOUT_SESSION_ID}",
    });

    const pageHtml = await (await fetch(session.url ?? "")).text();
    expect(pageHtml).toContain("$50.00");
    const paid = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });

    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://app.test/credits?session=${session.id}`);
    const [event] = verifiedEvents();
    expect(event?.type).toBe("checkout.session.completed");
    const completed = event?.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ id: session.id, status: "complete", amount_total: 5_000 });
    const intent = await stripe.paymentIntents.retrieve(String(completed.payment_intent));
    expect(intent).toMatchObject({ status: "succeeded", amount: 5_000 });
  });
});
