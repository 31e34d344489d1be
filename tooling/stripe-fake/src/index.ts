// A local fake of the few Stripe API endpoints a credits/subscriptions product uses, for
// integration and end-to-end tests. Point the real SDK at it:
//
//   const fake = await startFakeStripe({ prices: { price_pro: 1900 } });
//   const stripe = new Stripe("sk_test_fake", fake.sdkConfig);
//
// What happens on Stripe's side (a customer paying, a renewal, a refund, a dispute) is simulated
// with the methods of the returned object; each records the events Stripe would send, in order,
// and POSTs them, signed, to the configured webhook.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import {
  bool,
  type FormObject,
  type FormValue,
  int,
  list,
  mergeMetadata,
  metadataOf,
  obj,
  parseForm,
  str,
} from "./form.ts";
import {
  API_VERSION,
  apiList,
  CURRENCY,
  chargeObject,
  clone,
  customerObject,
  DAY_SECONDS,
  DEFAULT_UNIT_AMOUNT,
  defaultProductName,
  disputeObject,
  escapeHtml,
  formatMoney,
  type InvoiceLineInput,
  invoiceLineObject,
  newId,
  PERIOD_SECONDS,
  type PriceInfo,
  page,
  paymentIntentObject,
  planObject,
  priceObject,
  refundObject,
  shape,
  subscriptionItemObject,
} from "./objects.ts";

export { parseForm } from "./form.ts";
export { API_VERSION, PERIOD_SECONDS } from "./objects.ts";

export interface FakeStripeOptions {
  /** 0 or undefined: a random free port. The server binds 127.0.0.1. */
  port?: number;
  /** Price id → unit amount in cents, e.g. `{ price_pro: 1900 }`. Unknown prices cost 1000. */
  prices?: Record<string, number>;
  /** When set, every generated event is POSTed there, signed with `secret`. */
  webhook?: { url: string; secret: string };
}

export interface FakeStripeState {
  customers: Map<string, Stripe.Customer>;
  checkoutSessions: Map<string, Stripe.Checkout.Session>;
  subscriptions: Map<string, Stripe.Subscription>;
  invoices: Map<string, Stripe.Invoice>;
  charges: Map<string, Stripe.Charge>;
  disputes: Map<string, Stripe.Dispute>;
  schedules: Map<string, Stripe.SubscriptionSchedule>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  billingPortalSessions: Map<string, Stripe.BillingPortal.Session>;
}

export interface FakeStripe {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Spread into the SDK's config: `new Stripe(key, fake.sdkConfig)`. */
  sdkConfig: { host: string; port: number; protocol: "http" };
  /** The fake clock in unix seconds: real time plus every advance. */
  now(): number;
  advanceClock(seconds: number): void;
  /** The generated events not taken yet, in generation order; clears them. */
  takeEvents(): Stripe.Event[];
  /** The customer pays: `customer.subscription.created`, `checkout.session.completed`, `invoice.paid`. */
  completeCheckout(sessionId: string): Promise<Stripe.Event[]>;
  /** The next period starts (and is paid), or the subscription ends if it was set to cancel. */
  renewSubscription(subscriptionId: string): Promise<Stripe.Event[]>;
  /** The next period's payment fails: the invoice stays open and the subscription is past_due. */
  failInvoicePayment(subscriptionId: string): Promise<Stripe.Event[]>;
  refundCharge(chargeId: string, amountCents: number): Promise<Stripe.Event[]>;
  openDispute(chargeId: string): Promise<Stripe.Event[]>;
  closeDispute(disputeId: string, outcome: "won" | "lost"): Promise<Stripe.Event[]>;
  /** Builds an event (new id, created = now()) without recording or sending it. */
  event(type: string, object: object): Stripe.Event;
  /** A `stripe-signature` header for `payload`; `timestamp` defaults to the real time. */
  signatureFor(payload: string, secret: string, timestamp?: number): string;
  /** The fake's objects, for tests to read. */
  state: FakeStripeState;
  close(): Promise<void>;
}

/** An error answered with Stripe's error shape; simulation methods throw it too. */
export class FakeStripeError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  constructor(
    status: number,
    message: string,
    extra: { type?: string; code?: string; param?: string } = {},
  ) {
    super(message);
    this.name = "FakeStripeError";
    this.status = status;
    this.type = extra.type ?? "invalid_request_error";
    this.code = extra.code;
    this.param = extra.param;
  }
  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.code) error.code = this.code;
    if (this.param) error.param = this.param;
    return { error };
  }
}

interface SessionLine {
  price: PriceInfo;
  quantity: number;
}

interface SessionExtras {
  lines: SessionLine[];
  subscriptionMetadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
}

interface ApiResult {
  status?: number;
  json: unknown;
  events?: Stripe.Event[];
}

type Handler = (match: string[], body: FormObject) => ApiResult;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const noSuch = (kind: string, id: string, status = 404, param = "id") =>
  new FakeStripeError(status, `No such ${kind}: '${id}'`, { code: "resource_missing", param });

const missing = (param: string) =>
  new FakeStripeError(400, `Missing required param: ${param}.`, {
    code: "parameter_missing",
    param,
  });

/** Top-level fields whose value changed, with their previous values (Stripe's previous_attributes). */
function changedAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const previous: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) previous[key] = old[key] ?? null;
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) {
        reject(new FakeStripeError(413, "Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a control-endpoint body: JSON or form-encoded. */
function parseControlBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw.trim()) return {};
  if (contentType?.includes("json")) {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  }
  return parseForm(raw);
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const state: FakeStripeState = {
    customers: new Map(),
    checkoutSessions: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    charges: new Map(),
    disputes: new Map(),
    schedules: new Map(),
    paymentIntents: new Map(),
    billingPortalSessions: new Map(),
  };
  const sessionExtras = new Map<string, SessionExtras>();
  const idempotent = new Map<string, { status: number; body: string }>();
  const priceAmounts = new Map<string, number>(Object.entries(options.prices ?? {}));
  const adHocPrices = new Map<string, PriceInfo>();
  const outbox: Stripe.Event[] = [];
  let delivery: Promise<void> = Promise.resolve();
  let clockOffset = 0;
  let invoiceNumber = 0;
  let baseUrl = "";

  const now = () => Math.floor(Date.now() / 1000) + clockOffset;

  // ---- prices ----------------------------------------------------------------------------------

  function priceInfo(id: string, recurring = true): PriceInfo {
    const adHoc = adHocPrices.get(id);
    if (adHoc) return adHoc;
    return {
      id,
      unitAmount: priceAmounts.get(id) ?? DEFAULT_UNIT_AMOUNT,
      currency: CURRENCY,
      productName: defaultProductName(id),
      recurring,
    };
  }

  function itemInfo(item: Stripe.SubscriptionItem): PriceInfo {
    return priceInfo(item.price.id);
  }

  function setItemPrice(item: Stripe.SubscriptionItem, price: PriceInfo): void {
    item.price = priceObject(price, now());
    item.plan = planObject(price, now());
  }

  function itemsTotal(subscription: Stripe.Subscription): number {
    return subscription.items.data.reduce(
      (sum, item) => sum + itemInfo(item).unitAmount * (item.quantity ?? 1),
      0,
    );
  }

  // ---- events and webhooks ---------------------------------------------------------------------

  function signatureFor(payload: string, secret: string, timestamp?: number): string {
    return Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: timestamp ?? Math.floor(Date.now() / 1000),
    });
  }

  function buildEvent(
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
      created: now(),
      data,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
  }

  /** Builds an event and records it in the outbox (delivery happens in `deliver`). */
  function emit(
    events: Stripe.Event[],
    type: string,
    object: object,
    previousAttributes?: Record<string, unknown>,
  ): void {
    const event = buildEvent(type, object, previousAttributes);
    outbox.push(event);
    events.push(event);
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
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      console.error(
        `[stripe-fake] webhook ${event.type} (${event.id}) to ${webhook.url} failed: ${reason}${cause ? ` (${cause.message})` : ""}`,
      );
    }
  }

  /** Sends events to the webhook, one at a time, after everything queued before them. */
  function deliver(events: Stripe.Event[]): Promise<void> {
    const webhook = options.webhook;
    if (webhook) {
      for (const event of events) delivery = delivery.then(() => post(event, webhook));
    }
    return delivery;
  }

  // ---- lookups ---------------------------------------------------------------------------------

  function get<T>(map: Map<string, T>, kind: string, id: string): T {
    const found = map.get(id);
    if (!found) throw noSuch(kind, id);
    return found;
  }

  function findAny(id: string): object | undefined {
    for (const map of Object.values(state) as Map<string, object>[]) {
      const found = map.get(id);
      if (found) return found;
    }
    return undefined;
  }

  /** Stripe's `expand`: replaces id strings along dotted paths with the objects they name. */
  function expand(value: unknown, paths: string[]): unknown {
    if (paths.length === 0 || !value || typeof value !== "object") return value;
    const copy = clone(value);
    for (const path of paths) expandPath(copy, path.split("."));
    return copy;
  }

  function expandPath(node: unknown, segments: string[]): void {
    if (!node || typeof node !== "object" || segments.length === 0) return;
    if (Array.isArray(node)) {
      for (const item of node) expandPath(item, segments);
      return;
    }
    const record = node as Record<string, unknown>;
    const [key, ...rest] = segments as [string, ...string[]];
    let child = record[key];
    if (typeof child === "string") {
      const found = findAny(child);
      if (found) {
        child = clone(found);
        record[key] = child;
      }
    }
    expandPath(child, rest);
  }

  /**
   * A list endpoint: the objects that pass `wanted` (and belong to `customer` when asked), newest
   * first, up to `limit` (default 10, like Stripe; no further pages).
   */
  function listOf<T extends { created: number; customer?: unknown }>(
    map: Map<string, T>,
    url: string,
    query: FormObject,
    wanted: (item: T) => boolean,
  ): Stripe.ApiList<T> {
    const customer = str(query.customer);
    const limit = Math.min(100, Math.max(1, int(query.limit) ?? 10));
    const matching = [...map.values()]
      .filter((item) => (!customer || item.customer === customer) && wanted(item))
      .reverse()
      .sort((a, b) => b.created - a.created);
    return apiList(matching.slice(0, limit), url);
  }

  // ---- customers -------------------------------------------------------------------------------

  function createCustomer(
    email: string | null,
    name: string | null,
    metadata: Record<string, string> = {},
  ): Stripe.Customer {
    const customer = customerObject({ email, name, metadata, created: now() });
    state.customers.set(customer.id, customer);
    return customer;
  }

  // ---- invoices and payments -------------------------------------------------------------------

  /** A subscription invoice with one line per input; paid (with its payment intent and charge) or open after a failed attempt. */
  function createInvoice(args: {
    subscription: Stripe.Subscription;
    reason: Stripe.Invoice.BillingReason;
    lines: InvoiceLineInput[];
    paid: boolean;
    periodStart: number;
    periodEnd: number;
  }): Stripe.Invoice {
    const { subscription } = args;
    const created = now();
    const id = newId("in_");
    const customerId = subscription.customer as string;
    const customer = state.customers.get(customerId);
    const email = customer?.email ?? null;
    const currency = subscription.currency;
    const total = args.lines.reduce((sum, line) => sum + line.amount, 0);
    const description =
      args.reason === "subscription_create"
        ? "Subscription creation"
        : args.reason === "subscription_update"
          ? "Subscription update"
          : "Subscription cycle";
    const intent = paymentIntentObject({
      amount: total,
      currency,
      customer: customerId,
      description,
      metadata: {},
      succeeded: args.paid,
      created,
    });
    const charge = chargeObject({
      amount: total,
      currency,
      customer: customerId,
      email,
      description,
      paymentIntent: intent.id,
      succeeded: args.paid,
      created,
    });
    intent.latest_charge = charge.id;
    state.paymentIntents.set(intent.id, intent);
    state.charges.set(charge.id, charge);
    invoiceNumber += 1;
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
      hosted_invoice_url: `${baseUrl}/invoices/${id}`,
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
      number: `FAKE-${String(invoiceNumber).padStart(4, "0")}`,
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
    state.invoices.set(id, invoice);
    subscription.latest_invoice = id;
    return invoice;
  }

  /** The lines of a full period of the subscription's items. */
  function periodLines(
    subscription: Stripe.Subscription,
    periodStart: number,
    periodEnd: number,
  ): InvoiceLineInput[] {
    return subscription.items.data.map((item) => {
      const price = itemInfo(item);
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

  // ---- checkout --------------------------------------------------------------------------------

  function createCheckoutSession(body: FormObject): Stripe.Checkout.Session {
    const mode = str(body.mode);
    if (!mode) throw missing("mode");
    if (mode !== "subscription" && mode !== "payment") {
      throw new FakeStripeError(
        400,
        `Invalid mode: the fake supports 'subscription' and 'payment'.`,
        {
          param: "mode",
        },
      );
    }
    const successUrl = str(body.success_url);
    if (!successUrl) throw missing("success_url");
    const customer = str(body.customer) ?? null;
    const customerEmail = str(body.customer_email) ?? null;
    if (customer && customerEmail) {
      throw new FakeStripeError(
        400,
        "You may only specify one of these parameters: customer, customer_email.",
        { param: "customer_email" },
      );
    }
    if (customer && !state.customers.has(customer))
      throw noSuch("customer", customer, 400, "customer");
    const rawLines = list(body.line_items);
    if (rawLines.length === 0) throw missing("line_items");
    const lines: SessionLine[] = rawLines.map((raw, index) => {
      const line = obj(raw) ?? {};
      const quantity = int(line.quantity) ?? 1;
      const priceId = str(line.price);
      if (priceId) return { price: priceInfo(priceId, mode === "subscription"), quantity };
      const priceData = obj(line.price_data);
      if (!priceData) throw missing(`line_items[${index}][price]`);
      const unitAmount = int(priceData.unit_amount);
      if (unitAmount === undefined) throw missing(`line_items[${index}][price_data][unit_amount]`);
      const price: PriceInfo = {
        id: newId("price_"),
        unitAmount,
        currency: str(priceData.currency)?.toLowerCase() ?? CURRENCY,
        productName: str(obj(priceData.product_data)?.name) ?? "Item",
        recurring: mode === "subscription" || obj(priceData.recurring) !== undefined,
      };
      adHocPrices.set(price.id, price);
      return { price, quantity };
    });
    const amount = lines.reduce((sum, line) => sum + line.price.unitAmount * line.quantity, 0);
    const created = now();
    const id = newId("cs_test_");
    const session = shape<Stripe.Checkout.Session>({
      id,
      object: "checkout.session",
      allow_promotion_codes: null,
      amount_subtotal: amount,
      amount_total: amount,
      billing_address_collection: null,
      cancel_url: str(body.cancel_url) ?? null,
      client_reference_id: str(body.client_reference_id) ?? null,
      client_secret: null,
      created,
      currency: lines[0]?.price.currency ?? CURRENCY,
      customer,
      customer_account: null,
      customer_creation: customer ? null : "if_required",
      customer_details: null,
      customer_email: customerEmail,
      discounts: [],
      expires_at: created + DAY_SECONDS,
      invoice: null,
      livemode: false,
      locale: null,
      metadata: metadataOf(body.metadata),
      mode,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: mode === "subscription" ? "always" : null,
      payment_method_types: ["card"],
      payment_status: "unpaid",
      recovered_from: null,
      setup_intent: null,
      status: "open",
      submit_type: null,
      subscription: null,
      success_url: successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${baseUrl}/checkout/${id}`,
    });
    state.checkoutSessions.set(id, session);
    sessionExtras.set(id, {
      lines,
      subscriptionMetadata: metadataOf(obj(body.subscription_data)?.metadata),
      paymentIntentMetadata: metadataOf(obj(body.payment_intent_data)?.metadata),
    });
    return session;
  }

  function expireCheckoutSession(id: string): ApiResult {
    const session = get(state.checkoutSessions, "checkout session", id);
    if (session.status !== "open") {
      throw new FakeStripeError(
        400,
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    }
    session.status = "expired";
    const events: Stripe.Event[] = [];
    emit(events, "checkout.session.expired", session);
    return { json: session, events };
  }

  function sessionLineItems(session: Stripe.Checkout.Session): Stripe.ApiList<Stripe.LineItem> {
    const lines = sessionExtras.get(session.id)?.lines ?? [];
    return apiList(
      lines.map((line) =>
        shape<Stripe.LineItem>({
          id: newId("li_"),
          object: "item",
          amount_discount: 0,
          amount_subtotal: line.price.unitAmount * line.quantity,
          amount_tax: 0,
          amount_total: line.price.unitAmount * line.quantity,
          currency: line.price.currency,
          description: line.price.productName,
          metadata: {},
          price: priceObject(line.price, session.created),
          quantity: line.quantity,
        }),
      ),
      `/v1/checkout/sessions/${session.id}/line_items`,
    );
  }

  function completeCheckoutNow(sessionId: string): Stripe.Event[] {
    const session = get(state.checkoutSessions, "checkout session", sessionId);
    if (session.status !== "open") {
      throw new FakeStripeError(
        400,
        `Checkout session ${sessionId} is ${session.status}, not open.`,
      );
    }
    const extras = sessionExtras.get(sessionId);
    if (!extras) throw noSuch("checkout session", sessionId);
    const customer =
      typeof session.customer === "string"
        ? get(state.customers, "customer", session.customer)
        : createCustomer(session.customer_email, null);
    session.customer = customer.id;
    session.customer_details = {
      address: null,
      business_name: null,
      email: customer.email ?? session.customer_email,
      individual_name: null,
      name: customer.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };
    const events: Stripe.Event[] = [];
    if (session.mode === "subscription") {
      const created = now();
      const periodEnd = created + PERIOD_SECONDS;
      const id = newId("sub_");
      const subscription = shape<Stripe.Subscription>({
        id,
        object: "subscription",
        application: null,
        application_fee_percent: null,
        billing_cycle_anchor: created,
        billing_cycle_anchor_config: null,
        billing_thresholds: null,
        cancel_at: null,
        cancel_at_period_end: false,
        canceled_at: null,
        cancellation_details: {
          comment: null,
          feedback: null,
          feedback_option: null,
          reason: null,
        },
        collection_method: "charge_automatically",
        created,
        currency: session.currency ?? CURRENCY,
        customer: customer.id,
        customer_account: null,
        days_until_due: null,
        default_payment_method: null,
        default_source: null,
        description: null,
        discounts: [],
        ended_at: null,
        items: apiList(
          extras.lines.map((line) =>
            subscriptionItemObject({
              price: line.price,
              quantity: line.quantity,
              subscription: id,
              created,
              periodStart: created,
              periodEnd,
            }),
          ),
          `/v1/subscription_items?subscription=${id}`,
        ),
        latest_invoice: null,
        livemode: false,
        metadata: { ...extras.subscriptionMetadata },
        next_pending_invoice_item_invoice: null,
        on_behalf_of: null,
        pause_collection: null,
        pending_invoice_item_interval: null,
        pending_setup_intent: null,
        pending_update: null,
        schedule: null,
        start_date: created,
        status: "active",
        test_clock: null,
        transfer_data: null,
        trial_end: null,
        trial_settings: null,
        trial_start: null,
      });
      state.subscriptions.set(id, subscription);
      const invoice = createInvoice({
        subscription,
        reason: "subscription_create",
        lines: periodLines(subscription, created, periodEnd),
        paid: true,
        periodStart: created,
        periodEnd: created,
      });
      session.subscription = id;
      session.invoice = invoice.id;
      session.status = "complete";
      session.payment_status = "paid";
      emit(events, "customer.subscription.created", subscription);
      emit(events, "checkout.session.completed", session);
      emit(events, "invoice.paid", invoice);
    } else {
      const created = now();
      const amount = session.amount_total ?? 0;
      const currency = session.currency ?? CURRENCY;
      const intent = paymentIntentObject({
        amount,
        currency,
        customer: customer.id,
        description: null,
        metadata: { ...extras.paymentIntentMetadata },
        succeeded: true,
        created,
      });
      const charge = chargeObject({
        amount,
        currency,
        customer: customer.id,
        email: customer.email,
        description: null,
        paymentIntent: intent.id,
        succeeded: true,
        created,
      });
      intent.latest_charge = charge.id;
      state.paymentIntents.set(intent.id, intent);
      state.charges.set(charge.id, charge);
      session.payment_intent = intent.id;
      session.status = "complete";
      session.payment_status = "paid";
      emit(events, "checkout.session.completed", session);
    }
    return events;
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  function currentPeriod(subscription: Stripe.Subscription): { start: number; end: number } {
    const item = subscription.items.data[0];
    if (!item) throw new FakeStripeError(400, `Subscription ${subscription.id} has no items.`);
    return { start: item.current_period_start, end: item.current_period_end };
  }

  function updateSubscription(id: string, body: FormObject): ApiResult {
    const subscription = get(state.subscriptions, "subscription", id);
    const before = clone(subscription);
    const cancelAtPeriodEnd = bool(body.cancel_at_period_end);
    const itemUpdates = list(body.items);
    if (
      subscription.status === "canceled" &&
      (cancelAtPeriodEnd !== undefined || itemUpdates.length > 0)
    ) {
      throw new FakeStripeError(
        400,
        "A canceled subscription can only update its cancellation_details and metadata.",
      );
    }
    if (cancelAtPeriodEnd !== undefined) {
      subscription.cancel_at_period_end = cancelAtPeriodEnd;
      subscription.cancel_at = cancelAtPeriodEnd ? currentPeriod(subscription).end : null;
      subscription.canceled_at = cancelAtPeriodEnd ? now() : null;
      subscription.cancellation_details = {
        comment: null,
        feedback: null,
        feedback_option: null,
        reason: cancelAtPeriodEnd ? "cancellation_requested" : null,
      };
    }
    const oldTotal = itemsTotal(subscription);
    let upgradedPrice: PriceInfo | undefined;
    let upgradedItem: string | null = null;
    for (const [index, raw] of itemUpdates.entries()) {
      const update = obj(raw) ?? {};
      const itemId = str(update.id);
      const priceId = str(update.price);
      const quantity = int(update.quantity);
      if (itemId) {
        const item = subscription.items.data.find((candidate) => candidate.id === itemId);
        if (!item) throw noSuch("subscription item", itemId, 400, `items[${index}][id]`);
        if (bool(update.deleted)) {
          subscription.items.data = subscription.items.data.filter((other) => other !== item);
          continue;
        }
        if (priceId) {
          setItemPrice(item, priceInfo(priceId));
          upgradedPrice ??= priceInfo(priceId);
          upgradedItem ??= item.id;
        }
        if (quantity !== undefined) item.quantity = quantity;
      } else if (priceId) {
        const period = currentPeriod(subscription);
        const item = subscriptionItemObject({
          price: priceInfo(priceId),
          quantity: quantity ?? 1,
          subscription: subscription.id,
          created: now(),
          periodStart: period.start,
          periodEnd: period.end,
        });
        subscription.items.data.push(item);
        upgradedPrice ??= priceInfo(priceId);
        upgradedItem ??= item.id;
      }
    }
    subscription.metadata = mergeMetadata(subscription.metadata, body.metadata);
    let invoice: Stripe.Invoice | undefined;
    const difference = itemsTotal(subscription) - oldTotal;
    if (str(body.proration_behavior) === "always_invoice" && difference > 0 && upgradedPrice) {
      const { end } = currentPeriod(subscription);
      const start = now();
      invoice = createInvoice({
        subscription,
        reason: "subscription_update",
        lines: [
          {
            price: upgradedPrice,
            quantity: 1,
            amount: difference,
            periodStart: start,
            periodEnd: end,
            proration: true,
            subscriptionItem: upgradedItem,
            description: `Upgrade to ${upgradedPrice.productName}`,
          },
        ],
        paid: true,
        periodStart: start,
        periodEnd: start,
      });
    }
    const events: Stripe.Event[] = [];
    emit(
      events,
      "customer.subscription.updated",
      subscription,
      changedAttributes(before, subscription),
    );
    if (invoice) emit(events, "invoice.paid", invoice);
    return { json: subscription, events };
  }

  function cancelSubscription(id: string): ApiResult {
    const subscription = get(state.subscriptions, "subscription", id);
    if (subscription.status === "canceled") return { json: subscription };
    const canceledAt = now();
    subscription.status = "canceled";
    subscription.canceled_at = canceledAt;
    subscription.ended_at = canceledAt;
    subscription.cancel_at = null;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
    endSchedule(subscription, "canceled");
    const events: Stripe.Event[] = [];
    emit(events, "customer.subscription.deleted", subscription);
    return { json: subscription, events };
  }

  // ---- subscription schedules ------------------------------------------------------------------

  function phaseObject(
    items: { price: string; quantity: number }[],
    start: number,
    end: number,
    currency: string,
  ): Stripe.SubscriptionSchedule.Phase {
    return shape<Stripe.SubscriptionSchedule.Phase>({
      add_invoice_items: [],
      application_fee_percent: null,
      billing_cycle_anchor: null,
      billing_thresholds: null,
      collection_method: null,
      currency,
      default_payment_method: null,
      description: null,
      discounts: [],
      end_date: end,
      invoice_settings: null,
      items: items.map((item) => ({
        billing_thresholds: null,
        discounts: [],
        metadata: {},
        plan: item.price,
        price: item.price,
        quantity: item.quantity,
        tax_rates: [],
      })),
      metadata: {},
      on_behalf_of: null,
      proration_behavior: "create_prorations",
      start_date: start,
      transfer_data: null,
      trial_end: null,
    });
  }

  function createSchedule(body: FormObject): Stripe.SubscriptionSchedule {
    const subscriptionId = str(body.from_subscription);
    if (!subscriptionId) {
      throw new FakeStripeError(400, "The fake only creates schedules with from_subscription.", {
        code: "parameter_missing",
        param: "from_subscription",
      });
    }
    const subscription = get(state.subscriptions, "subscription", subscriptionId);
    if (subscription.schedule) {
      throw new FakeStripeError(
        400,
        `You cannot migrate a subscription that is already attached to a schedule: \`${subscription.schedule}\`.`,
        { param: "from_subscription" },
      );
    }
    if (subscription.status === "canceled") {
      throw new FakeStripeError(400, "You cannot create a schedule for a canceled subscription.", {
        param: "from_subscription",
      });
    }
    const period = currentPeriod(subscription);
    const created = now();
    const schedule = shape<Stripe.SubscriptionSchedule>({
      id: newId("sub_sched_"),
      object: "subscription_schedule",
      application: null,
      canceled_at: null,
      completed_at: null,
      created,
      current_phase: { start_date: period.start, end_date: period.end },
      customer: subscription.customer,
      customer_account: null,
      default_settings: {
        application_fee_percent: null,
        billing_cycle_anchor: "automatic",
        billing_thresholds: null,
        collection_method: "charge_automatically",
        default_payment_method: null,
        description: null,
        invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
        on_behalf_of: null,
        transfer_data: null,
      },
      end_behavior: "release",
      livemode: false,
      metadata: {},
      phases: [
        phaseObject(
          subscription.items.data.map((item) => ({
            price: item.price.id,
            quantity: item.quantity ?? 1,
          })),
          period.start,
          period.end,
          subscription.currency,
        ),
      ],
      released_at: null,
      released_subscription: null,
      status: "active",
      subscription: subscription.id,
      test_clock: null,
    });
    state.schedules.set(schedule.id, schedule);
    subscription.schedule = schedule.id;
    return schedule;
  }

  function timestampParam(value: FormValue | undefined): number | undefined {
    return str(value) === "now" ? now() : int(value);
  }

  function updateSchedule(id: string, body: FormObject): Stripe.SubscriptionSchedule {
    const schedule = get(state.schedules, "subscription schedule", id);
    if (schedule.status !== "active" && schedule.status !== "not_started") {
      throw new FakeStripeError(
        400,
        `You cannot update a subscription schedule that is ${schedule.status}.`,
      );
    }
    const rawPhases = list(body.phases);
    if (rawPhases.length > 0) {
      const currency = schedule.phases[0]?.currency ?? CURRENCY;
      let previousEnd = schedule.phases[0]?.start_date ?? now();
      schedule.phases = rawPhases.map((raw, index) => {
        const phase = obj(raw) ?? {};
        const items = list(phase.items).map((rawItem, itemIndex) => {
          const item = obj(rawItem) ?? {};
          const price = str(item.price);
          if (!price) throw missing(`phases[${index}][items][${itemIndex}][price]`);
          return { price, quantity: int(item.quantity) ?? 1 };
        });
        if (items.length === 0) throw missing(`phases[${index}][items]`);
        const start = timestampParam(phase.start_date) ?? previousEnd;
        const duration = obj(phase.duration);
        const months = duration ? (int(duration.interval_count) ?? 1) : 1;
        const end = timestampParam(phase.end_date) ?? start + months * PERIOD_SECONDS;
        previousEnd = end;
        return phaseObject(items, start, end, currency);
      });
      const current = schedule.phases.find(
        (phase) => phase.start_date <= now() && now() < phase.end_date,
      );
      schedule.current_phase = current
        ? { start_date: current.start_date, end_date: current.end_date }
        : schedule.current_phase;
    }
    const endBehavior = str(body.end_behavior);
    if (endBehavior) schedule.end_behavior = endBehavior;
    schedule.metadata = mergeMetadata(schedule.metadata ?? {}, body.metadata);
    return schedule;
  }

  /** Detaches a schedule from its subscription: released by request or at its end, or canceled with it. */
  function endSchedule(subscription: Stripe.Subscription, how: "released" | "canceled"): void {
    const scheduleId = subscription.schedule;
    if (typeof scheduleId !== "string") return;
    const schedule = state.schedules.get(scheduleId);
    subscription.schedule = null;
    if (!schedule) return;
    schedule.status = how;
    schedule.current_phase = null;
    if (how === "released") {
      schedule.released_at = now();
      schedule.released_subscription = subscription.id;
      schedule.subscription = null;
    } else {
      schedule.canceled_at = now();
    }
  }

  function releaseSchedule(id: string): Stripe.SubscriptionSchedule {
    const schedule = get(state.schedules, "subscription schedule", id);
    if (schedule.status !== "active" && schedule.status !== "not_started") {
      throw new FakeStripeError(
        400,
        `You cannot release a subscription schedule that is ${schedule.status}.`,
      );
    }
    const subscriptionId = typeof schedule.subscription === "string" ? schedule.subscription : null;
    const subscription = subscriptionId ? state.subscriptions.get(subscriptionId) : undefined;
    if (subscription) {
      endSchedule(subscription, "released");
    } else {
      schedule.status = "released";
      schedule.released_at = now();
      schedule.current_phase = null;
    }
    return schedule;
  }

  /** At a renewal: the schedule's phase that starts the new period sets the items' prices. */
  function applySchedule(subscription: Stripe.Subscription, periodStart: number): void {
    const scheduleId = subscription.schedule;
    if (typeof scheduleId !== "string") return;
    const schedule = state.schedules.get(scheduleId);
    if (schedule?.status !== "active") return;
    const phases = [...schedule.phases].sort((a, b) => a.start_date - b.start_date);
    const phase = phases.find(
      (candidate) => candidate.start_date <= periodStart && periodStart < candidate.end_date,
    );
    if (!phase) {
      // Past the last phase's end: the schedule is done and lets go of the subscription.
      endSchedule(subscription, "released");
      return;
    }
    schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
    const items = phase.items.map((item) => ({
      price: typeof item.price === "string" ? item.price : item.price.id,
      quantity: item.quantity ?? 1,
    }));
    const period = currentPeriod(subscription);
    subscription.items.data = items.map((wanted, index) => {
      const existing = subscription.items.data[index];
      if (existing) {
        if (existing.price.id !== wanted.price) setItemPrice(existing, priceInfo(wanted.price));
        existing.quantity = wanted.quantity;
        return existing;
      }
      return subscriptionItemObject({
        price: priceInfo(wanted.price),
        quantity: wanted.quantity,
        subscription: subscription.id,
        created: now(),
        periodStart: period.start,
        periodEnd: period.end,
      });
    });
  }

  // ---- simulations -----------------------------------------------------------------------------

  function renewNow(subscriptionId: string): Stripe.Event[] {
    const subscription = get(state.subscriptions, "subscription", subscriptionId);
    if (subscription.status === "canceled") {
      throw new FakeStripeError(400, `Subscription ${subscriptionId} is canceled.`);
    }
    const before = clone(subscription);
    const period = currentPeriod(subscription);
    const start = period.end;
    const end = start + PERIOD_SECONDS;
    if (now() < start) clockOffset += start - now();
    const events: Stripe.Event[] = [];
    if (subscription.cancel_at_period_end) {
      subscription.status = "canceled";
      subscription.ended_at = start;
      subscription.cancel_at = null;
      endSchedule(subscription, "canceled");
      emit(events, "customer.subscription.deleted", subscription);
      return events;
    }
    for (const item of subscription.items.data) {
      item.current_period_start = start;
      item.current_period_end = end;
    }
    applySchedule(subscription, start);
    subscription.status = "active";
    const invoice = createInvoice({
      subscription,
      reason: "subscription_cycle",
      lines: periodLines(subscription, start, end),
      paid: true,
      periodStart: period.start,
      periodEnd: period.end,
    });
    emit(
      events,
      "customer.subscription.updated",
      subscription,
      changedAttributes(before, subscription),
    );
    emit(events, "invoice.paid", invoice);
    return events;
  }

  function failPaymentNow(subscriptionId: string): Stripe.Event[] {
    const subscription = get(state.subscriptions, "subscription", subscriptionId);
    if (subscription.status === "canceled") {
      throw new FakeStripeError(400, `Subscription ${subscriptionId} is canceled.`);
    }
    const before = clone(subscription);
    const period = currentPeriod(subscription);
    const invoice = createInvoice({
      subscription,
      reason: "subscription_cycle",
      lines: periodLines(subscription, period.end, period.end + PERIOD_SECONDS),
      paid: false,
      periodStart: period.start,
      periodEnd: period.end,
    });
    subscription.status = "past_due";
    const events: Stripe.Event[] = [];
    emit(events, "invoice.payment_failed", invoice);
    emit(
      events,
      "customer.subscription.updated",
      subscription,
      changedAttributes(before, subscription),
    );
    return events;
  }

  function refundNow(chargeId: string, amountCents: number): Stripe.Event[] {
    const charge = get(state.charges, "charge", chargeId);
    if (!Number.isInteger(amountCents) || amountCents <= 0) {
      throw new FakeStripeError(400, "The refund amount must be a positive integer (cents).", {
        param: "amount",
      });
    }
    if (!charge.paid) throw new FakeStripeError(400, `Charge ${chargeId} was not paid.`);
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) {
      throw new FakeStripeError(400, `Charge ${chargeId} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    }
    const before = clone(charge);
    const amount = Math.min(amountCents, remaining);
    const refund = refundObject({ amount, charge, created: now() });
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    if (charge.refunds) charge.refunds.data.unshift(refund);
    const events: Stripe.Event[] = [];
    emit(events, "charge.refunded", charge, changedAttributes(before, charge));
    return events;
  }

  function openDisputeNow(chargeId: string): Stripe.Event[] {
    const charge = get(state.charges, "charge", chargeId);
    if (!charge.paid) throw new FakeStripeError(400, `Charge ${chargeId} was not paid.`);
    const dispute = disputeObject(charge, now());
    state.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    const events: Stripe.Event[] = [];
    emit(events, "charge.dispute.created", dispute);
    return events;
  }

  function closeDisputeNow(disputeId: string, outcome: "won" | "lost"): Stripe.Event[] {
    const dispute = get(state.disputes, "dispute", disputeId);
    if (outcome !== "won" && outcome !== "lost") {
      throw new FakeStripeError(400, "The outcome must be 'won' or 'lost'.", { param: "outcome" });
    }
    if (dispute.status === "won" || dispute.status === "lost") {
      throw new FakeStripeError(400, `Dispute ${disputeId} is already closed (${dispute.status}).`);
    }
    const before = clone(dispute);
    dispute.status = outcome;
    const events: Stripe.Event[] = [];
    emit(events, "charge.dispute.closed", dispute, changedAttributes(before, dispute));
    return events;
  }

  /** Runs a simulation and resolves once its events have been delivered. */
  async function simulate(run: () => Stripe.Event[]): Promise<Stripe.Event[]> {
    const events = run();
    await deliver(events);
    return events;
  }

  // ---- the HTTP API ----------------------------------------------------------------------------

  const routes: Route[] = [];
  const route = (method: string, path: string, handler: Handler) =>
    routes.push({ method, pattern: new RegExp(`^${path}$`), handler });
  const segment = "([^/]+)";

  route("POST", "/v1/customers", (_match, body) => {
    const customer = createCustomer(
      str(body.email) ?? null,
      str(body.name) ?? null,
      metadataOf(body.metadata),
    );
    return { json: customer };
  });
  route("GET", `/v1/customers/${segment}`, ([id]) => ({
    json: get(state.customers, "customer", id ?? ""),
  }));
  route("POST", "/v1/checkout/sessions", (_match, body) => ({
    json: createCheckoutSession(body),
  }));
  route("GET", `/v1/checkout/sessions/${segment}`, ([id], query) => {
    const session = get(state.checkoutSessions, "checkout session", id ?? "");
    const wanted = list(query.expand).map(str);
    if (!wanted.includes("line_items")) return { json: session };
    return { json: { ...clone(session), line_items: sessionLineItems(session) } };
  });
  route("GET", `/v1/checkout/sessions/${segment}/line_items`, ([id]) => ({
    json: sessionLineItems(get(state.checkoutSessions, "checkout session", id ?? "")),
  }));
  route("GET", "/v1/checkout/sessions", (_match, query) => {
    const status = str(query.status);
    return {
      json: listOf(
        state.checkoutSessions,
        "/v1/checkout/sessions",
        query,
        (session) => !status || session.status === status,
      ),
    };
  });
  route("POST", `/v1/checkout/sessions/${segment}/expire`, ([id]) =>
    expireCheckoutSession(id ?? ""),
  );
  route("GET", "/v1/subscriptions", (_match, query) => {
    // Like Stripe: without a status, every subscription that is not canceled.
    const status = str(query.status);
    const wanted = (subscription: Stripe.Subscription) =>
      status === "all" ||
      (status ? subscription.status === status : subscription.status !== "canceled");
    return { json: listOf(state.subscriptions, "/v1/subscriptions", query, wanted) };
  });
  route("GET", `/v1/subscriptions/${segment}`, ([id]) => ({
    json: get(state.subscriptions, "subscription", id ?? ""),
  }));
  route("POST", `/v1/subscriptions/${segment}`, ([id], body) => updateSubscription(id ?? "", body));
  route("DELETE", `/v1/subscriptions/${segment}`, ([id]) => cancelSubscription(id ?? ""));
  route("POST", "/v1/subscription_schedules", (_match, body) => ({ json: createSchedule(body) }));
  route("GET", `/v1/subscription_schedules/${segment}`, ([id]) => ({
    json: get(state.schedules, "subscription schedule", id ?? ""),
  }));
  route("POST", `/v1/subscription_schedules/${segment}`, ([id], body) => ({
    json: updateSchedule(id ?? "", body),
  }));
  route("POST", `/v1/subscription_schedules/${segment}/release`, ([id]) => ({
    json: releaseSchedule(id ?? ""),
  }));
  route("POST", "/v1/billing_portal/sessions", (_match, body) => {
    const customer = str(body.customer);
    if (!customer) throw missing("customer");
    if (!state.customers.has(customer)) throw noSuch("customer", customer, 400, "customer");
    const id = newId("bps_");
    const session = shape<Stripe.BillingPortal.Session>({
      id,
      object: "billing_portal.session",
      configuration: "bpc_fake",
      created: now(),
      customer,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: str(body.return_url) ?? null,
      url: `${baseUrl}/portal/${id}`,
    });
    state.billingPortalSessions.set(id, session);
    return { json: session };
  });
  // Read access to the objects the simulations create.
  route("GET", `/v1/invoices/${segment}`, ([id]) => ({
    json: get(state.invoices, "invoice", id ?? ""),
  }));
  route("GET", `/v1/charges/${segment}`, ([id]) => ({
    json: get(state.charges, "charge", id ?? ""),
  }));
  route("GET", `/v1/payment_intents/${segment}`, ([id]) => ({
    json: get(state.paymentIntents, "payment_intent", id ?? ""),
  }));
  route("GET", `/v1/disputes/${segment}`, ([id]) => ({
    json: get(state.disputes, "dispute", id ?? ""),
  }));

  function send(
    res: ServerResponse,
    status: number,
    body: string,
    contentType: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(body),
      "request-id": newId("req_", 14),
      ...headers,
    });
    res.end(body);
  }

  const sendJson = (res: ServerResponse, status: number, value: unknown, headers = {}) =>
    send(res, status, JSON.stringify(value), "application/json", headers);
  const sendHtml = (res: ServerResponse, status: number, html: string) =>
    send(res, status, html, "text/html; charset=utf-8");

  function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    query: FormObject,
    raw: string,
  ): void {
    const key = req.headers["idempotency-key"];
    const idempotencyKey = method === "POST" && typeof key === "string" && key ? key : undefined;
    if (idempotencyKey) {
      const stored = idempotent.get(idempotencyKey);
      if (stored) {
        send(res, stored.status, stored.body, "application/json", {
          "idempotency-key": idempotencyKey,
          "idempotent-replayed": "true",
        });
        return;
      }
    }
    let status = 200;
    let json: unknown;
    let events: Stripe.Event[] = [];
    const pathMatches = routes.filter((candidate) => candidate.pattern.test(path));
    const found = pathMatches.find((candidate) => candidate.method === method);
    try {
      if (!found) {
        throw new FakeStripeError(
          404,
          `Unrecognized request URL (${method}: ${path}). The fake Stripe does not serve it.`,
        );
      }
      const match = (found.pattern.exec(path) ?? [])
        .slice(1)
        .map((part) => decodeURIComponent(part));
      const body =
        method === "GET" || method === "DELETE" ? { ...parseForm(raw), ...query } : parseForm(raw);
      const result = found.handler(match, body);
      status = result.status ?? 200;
      events = result.events ?? [];
      const expansions = list(body.expand)
        .map(str)
        .filter((path): path is string => Boolean(path) && path !== "line_items");
      json = expand(result.json, expansions);
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      status = error.status;
      json = error;
    }
    const text = JSON.stringify(json);
    if (idempotencyKey) idempotent.set(idempotencyKey, { status, body: text });
    send(
      res,
      status,
      text,
      "application/json",
      idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
    );
    // Stripe sends webhooks after it has answered; keep their order with the chain.
    void deliver(events);
  }

  function checkoutPage(session: Stripe.Checkout.Session): string {
    const lines = sessionExtras.get(session.id)?.lines ?? [];
    const items = lines
      .map(
        (line) =>
          `<li>${line.quantity} × ${escapeHtml(line.price.productName)} — ${escapeHtml(formatMoney(line.price.unitAmount * line.quantity, line.price.currency))}${line.price.recurring ? " / month" : ""}</li>`,
      )
      .join("\n");
    const total = escapeHtml(formatMoney(session.amount_total ?? 0, session.currency ?? CURRENCY));
    const cancel = session.cancel_url
      ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>`
      : "";
    const action =
      session.status === "open"
        ? `<form method="post" action="/checkout/${encodeURIComponent(session.id)}/pay"><button type="submit">Pay</button></form>${cancel}`
        : `<p>This checkout session is ${escapeHtml(String(session.status))}.</p>`;
    return page(
      "Fake Stripe Checkout",
      `<h1>Fake Stripe Checkout</h1>
<p>Mode: ${escapeHtml(session.mode)}</p>
<ul>${items}</ul>
<p>Total: <strong data-testid="amount">${total}</strong>${session.mode === "subscription" ? " / month" : ""}</p>
${action}`,
    );
  }

  function portalPage(session: Stripe.BillingPortal.Session): string {
    const customer = state.customers.get(session.customer);
    const subscriptions = [...state.subscriptions.values()]
      .filter((subscription) => subscription.customer === session.customer)
      .map((subscription) => {
        const price = subscription.items.data[0]?.price.id ?? "?";
        return `<li>${escapeHtml(subscription.id)}: ${escapeHtml(price)} (${escapeHtml(subscription.status)}${subscription.cancel_at_period_end ? ", cancels at period end" : ""})</li>`;
      })
      .join("\n");
    const back = session.return_url
      ? `<p><a href="${escapeHtml(session.return_url)}">Return to the app</a></p>`
      : "";
    return page(
      "Fake Stripe billing portal",
      `<h1>Fake Stripe billing portal</h1>
<p>Customer: ${escapeHtml(customer?.email ?? session.customer)}</p>
<ul>${subscriptions}</ul>
${back}`,
    );
  }

  async function handleControl(
    res: ServerResponse,
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const parts = path.split("/").slice(2).map(decodeURIComponent);
    const [first, id, action] = parts;
    const key = `${method} ${first}${action ? `/:id/${action}` : id ? `/${id}` : ""}`;
    const run = async (simulation: () => Stripe.Event[]) =>
      sendJson(res, 200, { events: await simulate(simulation) });
    switch (key) {
      case "GET health":
        return sendJson(res, 200, { ok: true });
      case "GET state":
        return sendJson(res, 200, {
          now: now(),
          ...Object.fromEntries(
            Object.entries(state).map(([name, map]) => [
              name,
              Object.fromEntries(map as Map<string, object>),
            ]),
          ),
        });
      case "GET events":
        return sendJson(res, 200, { events: outbox });
      case "POST events/take":
        return sendJson(res, 200, { events: outbox.splice(0) });
      case "GET clock":
        return sendJson(res, 200, { now: now() });
      case "POST clock/advance":
        clockOffset += Math.trunc(Number(body.seconds ?? 0)) || 0;
        return sendJson(res, 200, { now: now() });
      case "POST checkout/:id/complete":
        return run(() => completeCheckoutNow(id ?? ""));
      case "POST subscriptions/:id/renew":
        return run(() => renewNow(id ?? ""));
      case "POST subscriptions/:id/fail_payment":
        return run(() => failPaymentNow(id ?? ""));
      case "POST charges/:id/refund": {
        const charge = get(state.charges, "charge", id ?? "");
        const amount = body.amount === undefined ? charge.amount : Number(body.amount);
        return run(() => refundNow(charge.id, amount));
      }
      case "POST charges/:id/dispute":
        return run(() => openDisputeNow(id ?? ""));
      case "POST disputes/:id/close":
        return run(() => closeDisputeNow(id ?? "", String(body.outcome) as "won" | "lost"));
      default:
        throw new FakeStripeError(404, `Unrecognized control URL (${method}: ${path}).`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const raw = await readBody(req);
    if (path.startsWith("/v1/")) {
      handleApi(req, res, method, path, parseForm(url.search.slice(1)), raw);
      return;
    }
    if (path.startsWith("/_fake/")) {
      try {
        await handleControl(res, method, path, parseControlBody(raw, req.headers["content-type"]));
      } catch (error) {
        if (!(error instanceof FakeStripeError)) throw error;
        sendJson(res, error.status, error);
      }
      return;
    }
    const checkout = /^\/checkout\/([^/]+)(\/pay)?$/.exec(path);
    if (checkout) {
      const session = state.checkoutSessions.get(decodeURIComponent(checkout[1] ?? ""));
      if (!session) {
        sendHtml(res, 404, page("Not found", "<h1>No such checkout session</h1>"));
        return;
      }
      if (method === "GET" && !checkout[2]) {
        sendHtml(res, 200, checkoutPage(session));
        return;
      }
      if (method === "POST" && checkout[2]) {
        if (session.status === "open") await simulate(() => completeCheckoutNow(session.id));
        const location = (session.success_url ?? "/").replace(
          /\{CHECKOUT_SESSION_ID\}/g,
          session.id,
        );
        res.writeHead(303, { location, "content-length": 0 });
        res.end();
        return;
      }
    }
    const portal = /^\/portal\/([^/]+)$/.exec(path);
    if (portal && method === "GET") {
      const session = state.billingPortalSessions.get(decodeURIComponent(portal[1] ?? ""));
      if (session) sendHtml(res, 200, portalPage(session));
      else sendHtml(res, 404, page("Not found", "<h1>No such billing portal session</h1>"));
      return;
    }
    sendJson(res, 404, new FakeStripeError(404, `Unrecognized request URL (${method}: ${path}).`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[stripe-fake] request failed:", error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof FakeStripeError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, status, { error: { type: "api_error", message } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    sdkConfig: { host: "127.0.0.1", port, protocol: "http" },
    now,
    advanceClock(seconds: number) {
      clockOffset += Math.trunc(seconds);
    },
    takeEvents: () => outbox.splice(0),
    completeCheckout: (sessionId) => simulate(() => completeCheckoutNow(sessionId)),
    renewSubscription: (subscriptionId) => simulate(() => renewNow(subscriptionId)),
    failInvoicePayment: (subscriptionId) => simulate(() => failPaymentNow(subscriptionId)),
    refundCharge: (chargeId, amountCents) => simulate(() => refundNow(chargeId, amountCents)),
    openDispute: (chargeId) => simulate(() => openDisputeNow(chargeId)),
    closeDispute: (disputeId, outcome) => simulate(() => closeDisputeNow(disputeId, outcome)),
    event: (type, object) => buildEvent(type, object),
    signatureFor,
    state,
    async close() {
      await delivery;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
