// Payment intents created by the API: charging a saved card, typically off-session
// (`confirm: true, off_session: true`). The card decides the outcome (payment-methods.ts); a
// failure answers 402 with Stripe's card error, which the SDK raises as StripeCardError.
import type Stripe from "stripe";
import { type FakeContext, now } from "../context.ts";
import { FakeStripeError, missing } from "../errors.ts";
import { type ApiResult, emit } from "../events.ts";
import { type FormObject, int, metadataOf, str } from "../form.ts";
import { CURRENCY } from "../objects.ts";
import { cardOf, resolvePaymentMethod } from "./payment-methods.ts";
import { recordPayment } from "./payments.ts";

export function createPaymentIntent(ctx: FakeContext, body: FormObject): ApiResult {
  const amount = int(body.amount);
  if (amount === undefined) throw missing("amount");
  if (amount < 50) {
    throw new FakeStripeError(400, "Amount must be at least $0.50 usd", {
      code: "amount_too_small",
      param: "amount",
    });
  }
  if (str(body.confirm) !== "true") {
    throw new FakeStripeError(
      400,
      "The fake creates confirmed payment intents only: pass confirm=true.",
      { param: "confirm" },
    );
  }
  const methodId = str(body.payment_method);
  if (!methodId) throw missing("payment_method");
  const customer = str(body.customer) ?? null;
  const method = resolvePaymentMethod(ctx, methodId);
  if (method.customer && method.customer !== customer) {
    throw new FakeStripeError(
      400,
      `The provided PaymentMethod ${method.id} belongs to another customer.`,
      { param: "payment_method" },
    );
  }
  const { failure } = cardOf(ctx, method.id);
  const intent = recordPayment(ctx, {
    amount,
    currency: str(body.currency)?.toLowerCase() ?? CURRENCY,
    customer,
    email: null,
    description: str(body.description) ?? null,
    metadata: metadataOf(body.metadata),
    succeeded: failure === null,
    created: now(ctx),
    failure: failure ?? undefined,
    paymentMethod: method.id,
  });
  const events: Stripe.Event[] = [];
  if (!failure) {
    emit(ctx, events, "payment_intent.succeeded", intent);
    return { json: intent, events };
  }
  intent.status = "requires_payment_method";
  emit(ctx, events, "payment_intent.payment_failed", intent);
  const error = new FakeStripeError(402, failure.message, {
    type: "card_error",
    code: failure.code,
    details: {
      decline_code: failure.declineCode,
      charge: intent.latest_charge,
      payment_intent: intent,
      payment_method: method,
    },
  });
  return { json: error, status: 402, events };
}
