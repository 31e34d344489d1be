// Payment intents, charges, refunds and disputes: what a paid checkout or invoice leaves behind,
// and what the refund and dispute simulations change.
import type Stripe from "stripe";
import type { FakeContext } from "../context.ts";
import { apiList, DAY_SECONDS, newId, shape } from "../objects.ts";

/** Why a payment failed, as Stripe reports it; a decline by default. */
export interface PaymentFailure {
  code: string;
  declineCode: string;
  message: string;
}

const declined: PaymentFailure = {
  code: "card_declined",
  declineCode: "generic_decline",
  message: "Your card was declined.",
};

/** What a payment intent is made of besides its amount. */
interface PaymentArgs {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  succeeded: boolean;
  created: number;
  /** Why it failed (when not `succeeded`); a generic decline if unset. */
  failure?: PaymentFailure;
  paymentMethod?: string | null;
  setupFutureUsage?: "on_session" | "off_session" | null;
}

export function paymentIntentObject(args: PaymentArgs): Stripe.PaymentIntent {
  const failure = args.failure ?? declined;
  return shape<Stripe.PaymentIntent>({
    id: newId("pi_"),
    object: "payment_intent",
    amount: args.amount,
    amount_capturable: 0,
    amount_received: args.succeeded ? args.amount : 0,
    application: null,
    application_fee_amount: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: null,
    confirmation_method: "automatic",
    created: args.created,
    currency: args.currency,
    customer: args.customer,
    description: args.description,
    last_payment_error: args.succeeded
      ? null
      : {
          code: failure.code as Stripe.PaymentIntent.LastPaymentError.Code,
          decline_code: failure.declineCode,
          message: failure.message,
          type: "card_error",
        },
    latest_charge: null,
    livemode: false,
    metadata: args.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: args.paymentMethod ?? null,
    payment_method_types: ["card"],
    receipt_email: null,
    setup_future_usage: args.setupFutureUsage ?? null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: args.succeeded ? "succeeded" : "requires_payment_method",
    transfer_group: null,
  });
}

export function chargeObject(args: {
  amount: number;
  currency: string;
  customer: string | null;
  email: string | null;
  description: string | null;
  paymentIntent: string;
  succeeded: boolean;
  created: number;
  failure?: PaymentFailure;
  paymentMethod?: string | null;
}): Stripe.Charge {
  const id = newId("ch_");
  const failure = args.failure ?? declined;
  return shape<Stripe.Charge>({
    id,
    object: "charge",
    amount: args.amount,
    amount_captured: args.succeeded ? args.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: args.email, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "FAKE STRIPE",
    captured: args.succeeded,
    created: args.created,
    currency: args.currency,
    customer: args.customer,
    description: args.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: args.succeeded ? null : failure.code,
    failure_message: args.succeeded ? null : failure.message,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: args.succeeded,
    payment_intent: args.paymentIntent,
    payment_method: args.paymentMethod ?? null,
    payment_method_details: null,
    receipt_email: args.email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: apiList<Stripe.Refund>([], `/v1/charges/${id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: args.succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  });
}

/** A payment intent and its charge (declined unless `succeeded`), stored; returns the intent. */
export function recordPayment(
  ctx: FakeContext,
  args: PaymentArgs & { email: string | null },
): Stripe.PaymentIntent {
  const intent = paymentIntentObject(args);
  const charge = chargeObject({
    amount: args.amount,
    currency: args.currency,
    customer: args.customer,
    email: args.email,
    description: args.description,
    paymentIntent: intent.id,
    succeeded: args.succeeded,
    created: args.created,
    failure: args.failure,
    paymentMethod: args.paymentMethod,
  });
  intent.latest_charge = charge.id;
  ctx.state.paymentIntents.set(intent.id, intent);
  ctx.state.charges.set(charge.id, charge);
  return intent;
}

export function refundObject(args: {
  amount: number;
  charge: Stripe.Charge;
  created: number;
}): Stripe.Refund {
  return shape<Stripe.Refund>({
    id: newId("re_"),
    object: "refund",
    amount: args.amount,
    balance_transaction: null,
    charge: args.charge.id,
    created: args.created,
    currency: args.charge.currency,
    customer: args.charge.customer,
    customer_account: null,
    metadata: {},
    payment_intent: args.charge.payment_intent,
    payment_method: null,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  });
}

export function disputeObject(charge: Stripe.Charge, created: number): Stripe.Dispute {
  return shape<Stripe.Dispute>({
    id: newId("dp_"),
    object: "dispute",
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    evidence_details: {
      due_by: created + 7 * DAY_SECONDS,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: "fraudulent",
    status: "needs_response",
  });
}
