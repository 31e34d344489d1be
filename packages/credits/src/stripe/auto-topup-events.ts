// The Stripe events of auto top-up: a setup-mode Checkout (or a pack purchase the user let keep its
// card) saved the card it charges, and its
// off-session payment intents succeeded (the pack is granted) or failed (auto top-up turns off).
// Payment intents without the attempt's metadata are Checkout's, handled through their session.
import type Stripe from "stripe";
import { completeAutoTopup, failAutoTopup } from "../service/billing/auto-topup/outcome.ts";
import { saveAutoTopupCard } from "../service/billing/auto-topup/settings.ts";
import type { Tx } from "../service/types.ts";
import type { HandlerOutcome } from "./handlers.ts";

const ignored = (note: string, userId: string | null = null): HandlerOutcome => ({
  status: "IGNORED",
  note,
  userId,
});

/** A setup-mode Checkout saved a card: it becomes the one auto top-up charges. */
export async function onCardSaved(
  tx: Tx,
  stripe: Stripe,
  setupIntentId: string | null,
  userId: string,
): Promise<HandlerOutcome> {
  if (!setupIntentId) return ignored("The setup session has no setup intent.", userId);
  const intent = await stripe.setupIntents.retrieve(setupIntentId, {
    expand: ["payment_method"],
  });
  const method = intent.payment_method;
  if (!method || typeof method === "string" || !method.card) {
    return ignored("The setup session saved no card.", userId);
  }
  await saveAutoTopupCard(tx, userId, cardOf(method, method.card), { replace: true });
  return { status: "PROCESSED", userId };
}

function cardOf(method: Stripe.PaymentMethod, card: Stripe.PaymentMethod.Card) {
  return { paymentMethodId: method.id, brand: card.brand, last4: card.last4 };
}

/**
 * A pack paid through Checkout with the user's consent to keep the card (`setup_future_usage`):
 * it becomes the auto top-up card if none is saved. False when nothing was stored (a card was
 * saved already, or Stripe saved none).
 */
export async function keepCardOfPackPayment(
  tx: Tx,
  stripe: Stripe,
  paymentIntentId: string,
  userId: string,
): Promise<boolean> {
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId, {
    expand: ["payment_method"],
  });
  const method = intent.payment_method;
  if (intent.setup_future_usage !== "off_session" || !method || typeof method === "string") {
    return false;
  }
  // Only a card Stripe attached to the customer can be charged off-session later.
  if (!method.card || !method.customer) return false;
  return saveAutoTopupCard(tx, userId, cardOf(method, method.card), { replace: false });
}

/** An auto top-up's charge was paid (grants the pack, once) or failed (turns auto top-up off). */
export async function onAutoTopupPayment(
  tx: Tx,
  intent: Stripe.PaymentIntent,
  succeeded: boolean,
): Promise<HandlerOutcome> {
  const attemptId = intent.metadata?.auto_topup_attempt_id;
  if (!attemptId)
    return ignored(
      "The payment is not an auto top-up (Checkout payments are handled by their session).",
    );
  if (succeeded) {
    const outcome = await completeAutoTopup(tx, attemptId, {
      id: intent.id,
      amountReceived: intent.amount_received,
      currency: intent.currency,
    });
    return outcome.granted
      ? { status: "PROCESSED", userId: outcome.userId }
      : ignored(outcome.note ?? "Nothing was granted.", outcome.userId);
  }
  const error = intent.last_payment_error;
  const outcome = await failAutoTopup(tx, attemptId, {
    code: error?.code ?? null,
    message: error?.message ?? "The payment failed.",
    paymentIntentId: intent.id,
  });
  return outcome.failed
    ? { status: "PROCESSED", userId: outcome.userId }
    : ignored("The auto top-up's charge had already ended.", outcome.userId);
}
