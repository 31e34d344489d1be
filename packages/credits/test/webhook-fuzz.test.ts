// Property-based fuzzing of the Stripe webhook with validly signed bodies: arbitrary JSON (any
// string, U+0000 and lone surrogates included), arbitrary text, and events of every handled type
// whose objects are generated from the webhook's own schemas and beyond them, or are a paid,
// refunded or disputed credit pack with one field changed. Each answers 200 or 400, and a refused
// body writes nothing. The one 500 allowed is Stripe's own refusal of a lookup a well-formed event
// asked for (a subscription it does not know): that event is stored as FAILED for a retry, by
// design, and nothing else is written. On a database of its own, so the counts are exact.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../src/service/verify.ts";
import { handledEventObjects } from "../src/stripe/event-schema.ts";
import { rowCounts, withOwnDatabase } from "./fixtures.ts";
import { deliverBody } from "./stripe-fixtures.ts";
import { arbitraryFor, hostile, type KnownValues } from "./zod-arbitrary.ts";

/** Every table a webhook can write. */
const tables = [
  "stripe_events",
  "stripe_payments",
  "credit_transactions",
  "credit_grants",
  "credit_holds",
  "subscriptions",
  "users",
];

const known: KnownValues = {
  uuids: ["00000000-0000-4000-8000-000000000000"],
  emails: ["fuzz@example.com"],
  words: ["pack_500", "subscription", "payment", "paid", "usd", "pi_fuzz", "cs_fuzz"],
};

/** An event's envelope, right or wrong, around `object` (or anything at all). */
function envelopeAround(type: string, object: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const mostly = <T>(right: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: hostile, weight: 1 });
  return fc
    .record({
      id: mostly(fc.stringMatching(/^evt_[A-Za-z0-9_]{1,30}$/)),
      object: fc.constantFrom("event", undefined),
      type: mostly(fc.constant(type)),
      created: mostly(fc.integer({ min: 0, max: 4_102_444_800 })),
      data: mostly(fc.record({ object })),
    })
    .map((event) => JSON.stringify(event));
}

/**
 * Events that really move credits for `userId` (a credit pack paid, refunded, disputed), each with
 * one field replaced or not: they reach the ledger with fuzzed amounts and ids.
 */
function nearlyRealEvents(userId: string): fc.Arbitrary<string> {
  const intent = "pi_fuzz_pack";
  const objects: [string, Record<string, unknown>][] = [
    [
      "checkout.session.completed",
      {
        id: "cs_fuzz_pack",
        object: "checkout.session",
        mode: "payment",
        client_reference_id: userId,
        payment_status: "paid",
        payment_intent: intent,
        amount_total: 500,
        currency: "usd",
        metadata: { pack_id: "pack_500" },
      },
    ],
    ["charge.refunded", { id: "ch_fuzz", payment_intent: intent, amount_refunded: 250 }],
    ["charge.dispute.created", { id: "dp_fuzz", payment_intent: intent, status: "needs_response" }],
    ["charge.dispute.closed", { id: "dp_fuzz", payment_intent: intent, status: "lost" }],
  ];
  return fc.constantFrom(...objects).chain(([type, object]) =>
    envelopeAround(
      type,
      fc
        .record({
          field: fc.constantFrom(...Object.keys(object)),
          value: fc.oneof(hostile, fc.integer(), fc.string({ maxLength: 12 })),
          mutate: fc.boolean(),
        })
        .map(({ field, value, mutate }) => (mutate ? { ...object, [field]: value } : object)),
    ),
  );
}

const types = [...Object.keys(handledEventObjects), "customer.created", "invoice.created"];

function signedBodies(userId: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .constantFrom(...types)
      .chain((type) => envelopeAround(type, arbitraryFor(handledEventObjects[type], known))),
    nearlyRealEvents(userId),
    fc.jsonValue({ stringUnit: "binary", maxDepth: 5 }).map((value) => JSON.stringify(value) ?? ""),
    fc.string({ unit: "binary", maxLength: 100 }),
  );
}

describe("webhook fuzzing", () => {
  it("answers every signed body with 200 or 400 (or Stripe's own refusal), and a refused one writes nothing", async () => {
    await withOwnDatabase("credits_webhook_fuzz", async ({ db: own }) => {
      const user = await own.user.create({ data: { email: "fuzz-payer@example.com" } });
      let current = await rowCounts(own, tables);
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(signedBodies(user.id), async (payload) => {
          const reply = await deliverBody(payload, { db: own });
          statuses.add(reply.status);
          const [before, after] = [current, await rowCounts(own, tables)];
          current = after;
          const sent = `${JSON.stringify(payload).slice(0, 300)} → ${JSON.stringify(reply)}`;
          if (reply.status === 500) {
            const { id } = JSON.parse(payload) as { id: string };
            const stored = await own.stripeEvent.findUniqueOrThrow({ where: { id } });
            expect(stored.status, sent).toBe("FAILED");
            expect(stored.error, sent).toMatch(
              /^Stripe API error \(StripeInvalidRequestError, HTTP 404\): No such /,
            );
            expect({ ...after, stripe_events: before.stripe_events }, sent).toEqual(before);
          } else {
            expect([200, 400], sent).toContain(reply.status);
            if (reply.status === 400) expect(after, sent).toEqual(before);
          }
        }),
        { numRuns: 600, seed: 20261202 },
      );
      // The run reached both sides: bodies refused, and events that moved credits; and the ledger
      // those events wrote still balances.
      expect([...statuses].filter((status) => status !== 500).sort()).toEqual([200, 400]);
      expect(await own.creditTransaction.count({ where: { userId: user.id } })).toBeGreaterThan(1);
      expect(await verifyLedger(own)).toEqual([]);
    });
  }, 120_000);
});
