// What each event's `data` holds, as receivers get it (snake_case, the state after the change).
// The OpenAPI document's `webhooks` section is made from these, and the tests check every event the
// platform records against them, so the documentation cannot drift from what is sent.
import { z } from "zod";
import type { EventType } from "../service/events/catalogue.ts";

const Credits = z.number().int();
const Timestamp = z.string().describe("an ISO 8601 date-time");
const Nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

/** Every event names its customer: the id you know them by, this platform's, and the app. */
const Customer = {
  user_id: z.string().describe("your id for the customer, or this platform's if it has none"),
  platform_user_id: z.string(),
};
const InApp = { ...Customer, app_id: z.string() };

/** A debit's event: what it took and what is left. */
const DebitData = z.object({
  ...InApp,
  amount: Credits.describe("what the debit took"),
  balance: Credits.describe("the account's balance after it"),
  available: Credits.describe("what can be spent after it (balance less active holds)"),
  threshold: Credits.describe("the account's low-balance threshold when it happened"),
  entry_type: z
    .string()
    .describe("spend, purchase, hold_capture, transfer_out, adjustment, hold_reserve, …"),
  transaction_id: z.string().optional(),
  hold_id: z.string().optional(),
  idempotency_key: z.string().optional(),
});

const SubscriptionData = z.object({
  ...Customer,
  subscription_id: z.string(),
  tier: z.string(),
  status: z.string(),
  current_period_start: Nullable(Timestamp),
  current_period_end: Nullable(Timestamp),
  cancel_at_period_end: z.boolean(),
  pending_tier: Nullable(z.string()),
  stripe_subscription_id: Nullable(z.string()),
  previous_tier: z.string().optional(),
  previous_status: z.string().optional(),
});

/** An automatic top-up charge: which pack, what it costs, its Stripe payment intent. */
const AutoTopup = {
  ...InApp,
  attempt_id: z.string(),
  pack_id: z.string(),
  credits: Credits,
  amount_cents: z.number().int(),
  payment_intent_id: Nullable(z.string()),
};

export const eventDataSchemas = {
  "credits.granted": z.object({
    ...InApp,
    amount: Credits,
    balance: Credits,
    available: Credits,
    entry_type: z.string().describe("grant, transfer_in, refund, …"),
    source: z.string().describe("promotion, purchase, subscription, refund, transfer, adjustment"),
    grant_id: z.string(),
    transaction_id: z.string(),
    expires_at: Nullable(Timestamp),
    idempotency_key: Nullable(z.string()),
  }),
  "credits.spent": DebitData,
  "credits.balance_low": DebitData,
  "credits.exhausted": DebitData,
  "credits.expiring": z.object({
    ...InApp,
    grant_id: z.string(),
    amount: Credits.describe("what will expire"),
    expires_at: Timestamp,
    balance: Credits,
  }),
  "credits.expired": z.object({
    ...InApp,
    grant_id: z.string(),
    transaction_id: z.string(),
    amount: Credits.describe("what expired"),
    balance: Credits,
    available: Credits,
  }),
  "purchase.refunded": z.object({
    ...InApp,
    purchase_id: z.string(),
    item_name: z.string(),
    refunded: Credits,
    refunded_total: Credits,
    status: z.enum(["refunded", "partially_refunded"]),
    balance: Credits,
    available: Credits,
    transaction_id: z.string(),
  }),
  "hold.expired": z.object({
    ...InApp,
    hold_id: z.string(),
    amount: Credits,
    description: z.string(),
    expired_at: Timestamp,
    balance: Credits,
    available: Credits,
  }),
  "subscription.created": SubscriptionData,
  "subscription.updated": SubscriptionData,
  "subscription.canceled": SubscriptionData,
  "payment.failed": z
    .object({
      ...Customer,
      kind: z.enum(["subscription", "checkout", "auto_topup"]),
      amount: Nullable(z.number().int()).optional(),
      currency: Nullable(z.string()).optional(),
    })
    .loose(),
  "auto_topup.succeeded": z.object({ ...AutoTopup, balance: Credits, available: Credits }),
  "auto_topup.failed": z.object({
    ...AutoTopup,
    balance: Credits,
    available: Credits,
    failure_code: z.string().describe("Stripe's code, e.g. card_declined, authentication_required"),
    failure_message: z.string(),
    auto_topup_enabled: z.literal(false).describe("a failure turns auto top-up off"),
  }),
} satisfies Record<EventType, z.ZodType>;

/** The envelope every delivery carries (Standard Webhooks' type, timestamp and data). */
export function eventEnvelope(type: string, data: z.ZodType) {
  return z.object({
    id: z.string().describe("the event's id, also the webhook-id header: dedupe by it"),
    type: z.literal(type),
    timestamp: Timestamp.describe("when the change happened"),
    sequence: z.number().int().describe("the customer's event number: order their events by it"),
    data,
  });
}
