// The fake's own endpoints under /_fake/: health, state, events and clock, and the simulations,
// for a test that runs the fake as a separate process.
import type { ServerResponse } from "node:http";
import type Stripe from "stripe";
import { advanceClock, type FakeContext, now, retrieve } from "../context.ts";
import { FakeStripeError } from "../errors.ts";
import { simulate } from "../events.ts";
import { parseForm } from "../form.ts";
import { completeCheckout } from "../resources/checkout-sessions.ts";
import { testCardOf } from "../resources/payment-methods.ts";
import {
  closeDispute,
  failInvoicePayment,
  openDispute,
  refundCharge,
  renewSubscription,
} from "../simulations.ts";
import { sendJson } from "./responses.ts";

/** Parses a control-endpoint body: JSON or form-encoded. */
export function parseControlBody(
  raw: string,
  contentType: string | undefined,
): Record<string, unknown> {
  if (!raw.trim()) return {};
  if (contentType?.includes("json")) {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  }
  return parseForm(raw);
}

export async function handleControl(
  ctx: FakeContext,
  res: ServerResponse,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<void> {
  const parts = path.split("/").slice(2).map(decodeURIComponent);
  const [first, id, action] = parts;
  const key = `${method} ${first}${action ? `/:id/${action}` : id ? `/${id}` : ""}`;
  const run = async (simulation: () => Stripe.Event[]) =>
    sendJson(res, 200, { events: await simulate(ctx, simulation) });
  switch (key) {
    case "GET health":
      return sendJson(res, 200, { ok: true });
    case "GET state":
      return sendJson(res, 200, {
        now: now(ctx),
        ...Object.fromEntries(
          Object.entries(ctx.state).map(([name, map]) => [
            name,
            Object.fromEntries(map as Map<string, object>),
          ]),
        ),
      });
    case "GET events":
      return sendJson(res, 200, { events: ctx.outbox });
    case "POST events/take":
      return sendJson(res, 200, { events: ctx.outbox.splice(0) });
    case "GET clock":
      return sendJson(res, 200, { now: now(ctx) });
    case "POST clock/advance":
      advanceClock(ctx, Math.trunc(Number(body.seconds ?? 0)) || 0);
      return sendJson(res, 200, { now: now(ctx) });
    case "POST checkout/:id/complete":
      return run(() => completeCheckout(ctx, id ?? "", testCardOf(body.payment_method)));
    case "POST subscriptions/:id/renew":
      return run(() => renewSubscription(ctx, id ?? ""));
    case "POST subscriptions/:id/fail_payment":
      return run(() => failInvoicePayment(ctx, id ?? ""));
    case "POST charges/:id/refund": {
      const charge = retrieve(ctx.state.charges, "charge", id ?? "");
      const amount = body.amount === undefined ? charge.amount : Number(body.amount);
      return run(() => refundCharge(ctx, charge.id, amount));
    }
    case "POST charges/:id/dispute":
      return run(() => openDispute(ctx, id ?? ""));
    case "POST disputes/:id/close":
      return run(() => closeDispute(ctx, id ?? "", String(body.outcome) as "won" | "lost"));
    default:
      throw new FakeStripeError(404, `Unrecognized control URL (${method}: ${path}).`);
  }
}
