// The events integrators can subscribe to. docs/events.md describes each one's data; the names
// follow Stripe's and Standard Webhooks' `resource.action` habit.
export const eventTypes = [
  "credits.granted",
  "credits.spent",
  "credits.balance_low",
  "credits.exhausted",
  "credits.expiring",
  "credits.expired",
  "purchase.refunded",
  "hold.expired",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "payment.failed",
  "auto_topup.succeeded",
  "auto_topup.failed",
] as const;

export type EventType = (typeof eventTypes)[number];

/** Sent by high-volume paths only to endpoints that ask for them by name, never to "all events". */
export const optInEventTypes: readonly EventType[] = ["credits.spent"];
