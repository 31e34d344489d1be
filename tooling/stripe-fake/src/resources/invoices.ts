// Subscription invoices: one per period (paid, or open after a failed attempt) and one per
// immediately invoiced upgrade, each with the payment intent and charge that paid it.
import type Stripe from "stripe";
import type { PriceInfo } from "../context.ts";
import { type FakeContext, now } from "../context.ts";
import { apiList, clone, DAY_SECONDS, formatMoney, newId, shape } from "../objects.ts";
import { recordPayment } from "./payments.ts";
import { productIdFor } from "./prices.ts";
import { itemInfo } from "./subscription-items.ts";

export interface InvoiceLineInput {
  price: PriceInfo;
  quantity: number;
  amount: number;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  subscriptionItem: string | null;
  description: string;
}

export function invoiceLineObject(args: {
  line: InvoiceLineInput;
  invoice: string;
  subscription: string;
}): Stripe.InvoiceLineItem {
  const { line } = args;
  return shape<Stripe.InvoiceLineItem>({
    id: newId("il_"),
    object: "line_item",
    amount: line.amount,
    currency: line.price.currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: args.invoice,
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: line.proration,
        proration_details: { credited_items: null },
        subscription: args.subscription,
        subscription_item: line.subscriptionItem ?? "",
      },
    },
    period: { start: line.periodStart, end: line.periodEnd },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: line.price.id, product: productIdFor(line.price.id) },
      unit_amount_decimal: null,
    },
    quantity: line.quantity,
    quantity_decimal: null,
    subscription: args.subscription,
    subtotal: line.amount,
    taxes: [],
  });
}

/** A subscription invoice with one line per input; paid (with its payment intent and charge) or open after a failed attempt. */
export function createInvoice(
  ctx: FakeContext,
  args: {
    subscription: Stripe.Subscription;
    reason: Stripe.Invoice.BillingReason;
    lines: InvoiceLineInput[];
    paid: boolean;
    periodStart: number;
    periodEnd: number;
  },
): Stripe.Invoice {
  const { subscription } = args;
  const created = now(ctx);
  const id = newId("in_");
  const customerId = subscription.customer as string;
  const customer = ctx.state.customers.get(customerId);
  const email = customer?.email ?? null;
  const currency = subscription.currency;
  const total = args.lines.reduce((sum, line) => sum + line.amount, 0);
  const description =
    args.reason === "subscription_create"
      ? "Subscription creation"
      : args.reason === "subscription_update"
        ? "Subscription update"
        : "Subscription cycle";
  const intent = recordPayment(ctx, {
    amount: total,
    currency,
    customer: customerId,
    email,
    description,
    metadata: {},
    succeeded: args.paid,
    created,
  });
  ctx.invoiceNumber += 1;
  const invoice = shape<Stripe.Invoice>({
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Fake Stripe",
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: args.paid ? total : 0,
    amount_remaining: args.paid ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    auto_advance: !args.paid,
    automatically_finalizes_at: null,
    billing_reason: args.reason,
    collection_method: "charge_automatically",
    created,
    currency,
    custom_fields: null,
    customer: customerId,
    customer_account: null,
    customer_address: null,
    customer_email: email,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `${ctx.baseUrl}/invoices/${id}`,
    invoice_pdf: null,
    last_finalization_error: null,
    latest_revision: null,
    lines: apiList(
      args.lines.map((line) =>
        invoiceLineObject({ line, invoice: id, subscription: subscription.id }),
      ),
      `/v1/invoices/${id}/lines`,
    ),
    livemode: false,
    metadata: {},
    next_payment_attempt: args.paid ? null : created + 3 * DAY_SECONDS,
    number: `FAKE-${String(ctx.invoiceNumber).padStart(4, "0")}`,
    on_behalf_of: null,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: {
        metadata: clone(subscription.metadata),
        subscription: subscription.id,
      },
    },
    payments: apiList(
      [
        shape<Stripe.InvoicePayment>({
          id: newId("inpay_"),
          object: "invoice_payment",
          amount_paid: args.paid ? total : null,
          amount_requested: total,
          created,
          currency,
          invoice: id,
          is_default: true,
          livemode: false,
          payment: { type: "payment_intent", payment_intent: intent.id },
          status: args.paid ? "paid" : "open",
          status_transitions: { canceled_at: null, paid_at: args.paid ? created : null },
        }),
      ],
      `/v1/invoice_payments?invoice=${id}`,
    ),
    period_end: args.periodEnd,
    period_start: args.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: args.paid ? "paid" : "open",
    status_transitions: {
      finalized_at: created,
      marked_uncollectible_at: null,
      paid_at: args.paid ? created : null,
      voided_at: null,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  });
  ctx.state.invoices.set(id, invoice);
  subscription.latest_invoice = id;
  return invoice;
}

/** The lines of a full period of the subscription's items. */
export function periodLines(
  ctx: FakeContext,
  subscription: Stripe.Subscription,
  periodStart: number,
  periodEnd: number,
): InvoiceLineInput[] {
  return subscription.items.data.map((item) => {
    const price = itemInfo(ctx, item);
    const quantity = item.quantity ?? 1;
    return {
      price,
      quantity,
      amount: price.unitAmount * quantity,
      periodStart,
      periodEnd,
      proration: false,
      subscriptionItem: item.id,
      description: `${quantity} × ${price.productName} (at ${formatMoney(price.unitAmount, price.currency)} / month)`,
    };
  });
}
