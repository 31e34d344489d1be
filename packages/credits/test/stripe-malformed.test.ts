// Signed bodies that are not Stripe events: not JSON, not an object, an event without an id, with
// a `created` that is no time, a handled type whose object lacks what its handler reads, text jsonb
// cannot hold. Each is a 400 that says what is wrong, and nothing is stored, so nothing is retried.
import { describe, expect, it } from "vitest";
import { createUser, db, rowCounts, trpcErrorOf, withOwnDatabase } from "./fixtures.ts";
import { billedCaller, deliverBody } from "./stripe-fixtures.ts";

const now = Math.floor(Date.now() / 1000);

/** An event as Stripe sends it, with `changes` on top (undefined removes a field). */
function event(type: string, object: unknown, changes: Record<string, unknown> = {}) {
  const base = { id: "evt_malformed_1", object: "event", type, created: now, data: { object } };
  return JSON.stringify({ ...base, ...changes });
}

const charge = { id: "ch_1", object: "charge", payment_intent: "pi_1", amount_refunded: 100 };
const deep = (levels: number): unknown =>
  Array.from({ length: levels }).reduce<unknown>((inner) => ({ inner }), "bottom");

/** Each signed body and the reason the answer must give. */
const malformed: [string, string][] = [
  ["{}", "id must be a Stripe event id (evt_…)"],
  ["null", "must be a JSON object"],
  ["[]", "must be a JSON object"],
  ['"an event"', "must be a JSON object"],
  ["42", "must be a JSON object"],
  [event("charge.refunded", charge, { id: undefined }), "id must be a Stripe event id (evt_…)"],
  [event("charge.refunded", charge, { id: "evt_\u0000" }), "id must be a Stripe event id (evt_…)"],
  [event("charge.refunded", charge, { type: 7 }), "type must be an event type"],
  [
    event("charge.refunded", charge, { created: "yesterday" }),
    "created must be a time in seconds since 1970",
  ],
  [
    event("charge.refunded", charge, { created: 1e13 }),
    "created must be a time before the year 10000",
  ],
  [
    event("charge.refunded", charge, { data: undefined }),
    "data must be an object holding the event's object",
  ],
  [event("charge.refunded", [charge]), "data.object must be an object"],
  [event("charge.refunded", {}), "data.object.id must be a Stripe object id"],
  [
    event("charge.refunded", { ...charge, amount_refunded: 1.5 }),
    "data.object.amount_refunded must be a whole amount in cents",
  ],
  [
    event("charge.dispute.created", { id: "dp_1", payment_intent: { no: "id" }, status: "x" }),
    "data.object.payment_intent must be a Stripe object id or an object with one",
  ],
  [event("invoice.paid", { id: "in_1", amount_paid: 100, currency: "usd" }), "data.object.lines"],
  [
    event("invoice.paid", {
      id: "in_1",
      amount_paid: 100,
      currency: "usd",
      lines: { data: [{ amount: 100, period: { start: "soon", end: now } }] },
    }),
    "data.object.lines.data.0.period.start must be a time in seconds since 1970",
  ],
  [
    event("checkout.session.completed", { id: "cs_1", metadata: { pack_id: 5 } }),
    "data.object.metadata.pack_id",
  ],
  [event("customer.subscription.updated", { id: "../sub" }), "data.object.id"],
  [
    event("customer.tax_id.created", { id: "txi_1", name: "a\u0000b" }),
    "data.object.name holds U+0000 or half of a surrogate pair, which cannot be stored",
  ],
  [
    event("customer.tax_id.created", { id: "txi_1", "\ud800": 1 }),
    "a key of data.object holds U+0000 or half of a surrogate pair",
  ],
  [event("customer.tax_id.created", deep(100)), "it nests more than 64 levels deep"],
];

/** Every table a webhook writes: a refused body must leave them untouched. */
const tables = [
  "stripe_events",
  "credit_transactions",
  "stripe_payments",
  "subscriptions",
  "users",
];

describe("signed bodies that are not Stripe events", () => {
  it("answer 400 naming what is wrong, and store nothing", async () => {
    await withOwnDatabase("credits_stripe_malformed", async ({ db: own }) => {
      const before = await rowCounts(own, tables);
      for (const [body, reason] of malformed) {
        const reply = await deliverBody(body, { db: own });
        expect(reply.status, body.slice(0, 200)).toBe(400);
        expect(reply.body.received).toBe(false);
        expect(reply.body.error, body.slice(0, 200)).toContain(
          `The body is not a Stripe event: ${reason}`,
        );
      }
      expect(await rowCounts(own, tables)).toEqual(before);
    });
  });

  it("say a broken body is not JSON when its signature is right, and that the signature is wrong otherwise", async () => {
    const empty = await deliverBody("");
    expect(empty).toEqual({
      status: 400,
      body: { received: false, error: "The body is empty: send the event." },
    });
    const broken = '{"id": "evt_broken_1", "type": "charge.refunded",';
    const signed = await deliverBody(broken);
    expect(signed).toEqual({
      status: 400,
      body: { received: false, error: "The body is not valid JSON." },
    });
    const forged = await deliverBody(broken, { secret: "whsec_someone_else" });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toContain("Invalid signature");
  });
});

describe("an operator's retry of a stored payload that is not an event", () => {
  it("is refused with the reason, and the event stays as it was", async () => {
    const admin = await createUser("ADMIN");
    const eventId = `evt_stored_${Date.now()}`;
    // As a refund without its data was stored before the webhook checked events' shape.
    const payload = { id: eventId, type: "charge.refunded", created: now };
    await db.$executeRaw`
      INSERT INTO stripe_events (id, type, status, error, payload, attempts, event_created_at)
      VALUES (${eventId}, 'charge.refunded', 'FAILED', 'TypeError', ${JSON.stringify(payload)}::jsonb,
        1, now())`;
    const error = await trpcErrorOf(billedCaller(admin).admin.stripeEvents.retry({ eventId }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      "This event cannot be processed: its payload is not a Stripe event (data must be an object holding the event's object).",
    );
    expect(await db.stripeEvent.findUnique({ where: { id: eventId } })).toMatchObject({
      status: "FAILED",
      attempts: 1,
    });
  });
});
