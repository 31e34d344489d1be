// Events as Stripe makes them, and their delivery to the webhook: signed, one at a time, in the
// order they were generated.
import Stripe from "stripe";
import { type FakeContext, now } from "./context.ts";
import { API_VERSION, clone, newId } from "./objects.ts";

/** What an API call answers, and the events it generated (sent once it has answered). */
export interface ApiResult {
  json: unknown;
  /** 200 unless set: a card error answers 402 and still sends its events. */
  status?: number;
  events?: Stripe.Event[];
}

/** Top-level fields whose value changed, with their previous values (Stripe's previous_attributes). */
function changedAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const previous: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  const current = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(old), ...Object.keys(current)])) {
    if (JSON.stringify(old[key]) !== JSON.stringify(current[key])) previous[key] = old[key] ?? null;
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}

/** A `stripe-signature` header for `payload`; `timestamp` defaults to the real time. */
export function signatureFor(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: timestamp ?? Math.floor(Date.now() / 1000),
  });
}

export function buildEvent(
  ctx: FakeContext,
  type: string,
  object: object,
  previousAttributes?: Record<string, unknown>,
): Stripe.Event {
  const data: Record<string, unknown> = { object: clone(object) };
  if (previousAttributes) data.previous_attributes = clone(previousAttributes);
  return {
    id: newId("evt_"),
    object: "event",
    api_version: API_VERSION,
    created: now(ctx),
    data,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

/** Builds an event and records it in the outbox (delivery happens in `deliver`). */
export function emit(
  ctx: FakeContext,
  events: Stripe.Event[],
  type: string,
  object: object,
  previousAttributes?: Record<string, unknown>,
): void {
  const event = buildEvent(ctx, type, object, previousAttributes);
  ctx.outbox.push(event);
  events.push(event);
}

/** Emits `after` with the previous values of the fields that differ from `before`. */
export function emitChange<T extends object>(
  ctx: FakeContext,
  events: Stripe.Event[],
  type: string,
  before: T,
  after: T,
): void {
  emit(ctx, events, type, after, changedAttributes(before, after));
}

async function post(event: Stripe.Event, webhook: { url: string; secret: string }) {
  const payload = JSON.stringify(event);
  try {
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": signatureFor(payload, webhook.secret),
      },
      body: payload,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      console.error(
        `[stripe-fake] webhook ${event.type} (${event.id}) got HTTP ${response.status}: ${text.slice(0, 500)}`,
      );
    }
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `[stripe-fake] webhook ${event.type} (${event.id}) to ${webhook.url} failed: ${reason}${cause ? ` (${cause.message})` : ""}`,
    );
  }
}

/** Sends events to the webhook, one at a time, after everything queued before them. */
export function deliver(ctx: FakeContext, events: Stripe.Event[]): Promise<void> {
  const webhook = ctx.options.webhook;
  if (webhook) {
    for (const event of events) ctx.delivery = ctx.delivery.then(() => post(event, webhook));
  }
  return ctx.delivery;
}

/** Runs a simulation and resolves once its events have been delivered. */
export async function simulate(
  ctx: FakeContext,
  run: () => Stripe.Event[],
): Promise<Stripe.Event[]> {
  const events = run();
  await deliver(ctx, events);
  return events;
}
