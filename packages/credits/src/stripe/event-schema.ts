// What a Stripe event must look like before anything is stored or processed: the envelope every
// event has, and for each type the platform handles, the fields of `data.object` its handler reads
// (handlers.ts). A signed body that is not such an event ({}, null, an array, an event without an
// id, a `created` that is no time, a refund without its charge) is refused with the field named:
// it can never succeed, so it is neither stored as FAILED nor retried.
import type Stripe from "stripe";
import { z } from "zod";
import { StripeEventId } from "../schemas/billing.ts";

const StripeObjectId = z
  .string({ error: "must be a Stripe object id" })
  .regex(/^[A-Za-z0-9_]{1,255}$/, { error: "must be a Stripe object id" });

/** An object Stripe sends as its id, or expanded into the object itself. */
const Expandable = z
  .union([StripeObjectId, z.looseObject({ id: StripeObjectId })], {
    error: "must be a Stripe object id or an object with one",
  })
  .nullish();

/** Seconds since 1970, up to the year 9999 (what Postgres's to_timestamp and Date both hold). */
const Timestamp = z
  .number({ error: "must be a time in seconds since 1970" })
  .int({ error: "must be a time in seconds since 1970" })
  .min(0, { error: "must be a time in seconds since 1970" })
  .max(253_402_300_799, { error: "must be a time before the year 10000" });

/** An amount in the currency's smallest unit (invoice lines may be negative: prorations). */
const Amount = z
  .number({ error: "must be an amount in cents" })
  .int({ error: "must be a whole amount in cents" })
  .refine(Number.isSafeInteger, { error: "must be an amount in cents" });

const NonNegativeAmount = Amount.refine((amount) => amount >= 0, {
  error: "must not be negative",
});

const CheckoutSession = z.looseObject({
  id: StripeObjectId,
  mode: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  customer: Expandable,
  subscription: Expandable,
  payment_status: z.string().nullish(),
  payment_intent: Expandable,
  setup_intent: Expandable,
  amount_total: NonNegativeAmount.nullish(),
  currency: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

const InvoiceLine = z.looseObject({
  amount: Amount,
  period: z.looseObject({ start: Timestamp, end: Timestamp }),
  pricing: z
    .looseObject({ price_details: z.looseObject({ price: Expandable }).nullish() })
    .nullish(),
});

const Invoice = z.looseObject({
  id: StripeObjectId,
  parent: z
    .looseObject({ subscription_details: z.looseObject({ subscription: Expandable }).nullish() })
    .nullish(),
  lines: z.looseObject({ data: z.array(InvoiceLine) }),
  amount_paid: NonNegativeAmount,
  currency: z.string(),
  billing_reason: z.string().nullish(),
  payments: z
    .looseObject({
      data: z.array(
        z.looseObject({
          payment: z.looseObject({ type: z.string(), payment_intent: Expandable }),
        }),
      ),
    })
    .nullish(),
});

const Subscription = z.looseObject({ id: StripeObjectId });

const PaymentIntent = z.looseObject({
  id: StripeObjectId,
  amount_received: NonNegativeAmount,
  currency: z.string(),
  metadata: z.record(z.string(), z.string()).nullish(),
  last_payment_error: z
    .looseObject({ code: z.string().nullish(), message: z.string().nullish() })
    .nullish(),
});

const Charge = z.looseObject({
  id: StripeObjectId,
  payment_intent: Expandable,
  amount_refunded: NonNegativeAmount,
});

const Dispute = z.looseObject({
  id: StripeObjectId,
  payment_intent: Expandable,
  status: z.string(),
});

/** The `data.object` of every event type handlers.ts acts on; other types are only recorded. */
export const handledEventObjects: Record<string, z.ZodType> = {
  "checkout.session.completed": CheckoutSession,
  "checkout.session.async_payment_succeeded": CheckoutSession,
  "checkout.session.async_payment_failed": CheckoutSession,
  "invoice.paid": Invoice,
  "invoice.payment_failed": Invoice,
  "customer.subscription.created": Subscription,
  "customer.subscription.updated": Subscription,
  "customer.subscription.deleted": Subscription,
  "payment_intent.succeeded": PaymentIntent,
  "payment_intent.payment_failed": PaymentIntent,
  "charge.refunded": Charge,
  "charge.dispute.created": Dispute,
  "charge.dispute.closed": Dispute,
};

/** The envelope every event has, whatever its type. */
const EventEnvelope = z.looseObject(
  {
    id: StripeEventId,
    type: z
      .string({ error: "must be an event type" })
      .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, {
        error: "must be an event type (such as invoice.paid)",
      })
      .max(100, { error: "must be an event type (such as invoice.paid)" }),
    created: Timestamp,
    data: z.looseObject(
      { object: z.looseObject({}, { error: "must be an object" }) },
      { error: "must be an object holding the event's object" },
    ),
  },
  { error: "must be a JSON object" },
);

// With the u flag, a surrogate range matches only halves that are not part of a pair.
const loneSurrogate = /[\ud800-\udfff]/u;
const cannotBeStored = (text: string) => text.includes("\u0000") || loneSurrogate.test(text);

/** Stripe's events nest a dozen levels at most; far deeper is not an event (and costs stack). */
const maxDepth = 64;

/**
 * Where the JSON holds a string jsonb cannot store (U+0000, or a lone surrogate), or nests too
 * deeply; null when it holds none. Walked with its own stack, so depth costs no recursion.
 */
function unstorablePart(value: unknown): string | null {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value, path: "", depth: 0 },
  ];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (item.depth > maxDepth) return `it nests more than ${maxDepth} levels deep`;
    if (typeof item.value === "string" && cannotBeStored(item.value)) {
      return `${item.path} holds U+0000 or half of a surrogate pair, which cannot be stored`;
    }
    if (item.value === null || typeof item.value !== "object") continue;
    for (const [key, child] of Object.entries(item.value)) {
      const path = item.path ? `${item.path}.${key}` : key;
      if (cannotBeStored(key)) {
        return `a key of ${item.path || "the event"} holds U+0000 or half of a surrogate pair`;
      }
      pending.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return null;
}

/** "data.object.id must be a Stripe object id": the first thing wrong, where it is. */
function describeFirstIssue(error: z.ZodError, prefix: PropertyKey[] = []): string {
  const [issue] = error.issues;
  const path = [...prefix, ...(issue?.path ?? [])].join(".");
  return [path, issue?.message ?? "is not valid"].filter(Boolean).join(" ");
}

/** The parsed body as an event the handlers can act on, or what keeps it from being one. */
export function parseStripeEvent(
  body: unknown,
): { event: Stripe.Event; problem?: never } | { event?: never; problem: string } {
  const envelope = EventEnvelope.safeParse(body);
  if (!envelope.success) return { problem: describeFirstIssue(envelope.error) };
  const objectSchema = handledEventObjects[envelope.data.type];
  if (objectSchema) {
    const object = objectSchema.safeParse(envelope.data.data.object);
    if (!object.success) {
      return { problem: describeFirstIssue(object.error, ["data", "object"]) };
    }
  }
  const unstorable = unstorablePart(body);
  if (unstorable) return { problem: unstorable };
  // The fields the handlers read were checked; the rest is Stripe's, passed through as sent.
  return { event: body as Stripe.Event };
}
