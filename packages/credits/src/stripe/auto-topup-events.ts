// The Stripe events of auto top-up: a setup-mode Checkout saved the card it charges, and its
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
  await saveAutoTopupCard(tx, userId, {
    paymentMethodId: method.id,
    brand: method.card.brand,
    last4: method.card.last4,
  });
  return { status: "PROCESSED", userId };
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
