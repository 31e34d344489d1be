// Stripe's REST API under /v1/: the route table, idempotent replays, `expand[]`, and the webhooks
// an API call caused, sent after it has answered.
import type { IncomingMessage, ServerResponse } from "node:http";
import type Stripe from "stripe";
import { type FakeContext, retrieve } from "../context.ts";
import { FakeStripeError } from "../errors.ts";
import { type ApiResult, deliver } from "../events.ts";
import { type FormObject, int, list, metadataOf, parseForm, str } from "../form.ts";
import { apiList, clone } from "../objects.ts";
import { createPortalSession } from "../resources/billing-portal.ts";
import {
  createCheckoutSession,
  expireCheckoutSession,
  sessionLineItems,
} from "../resources/checkout-sessions.ts";
import { createCustomer } from "../resources/customers.ts";
import { createPaymentIntent } from "../resources/payment-intents.ts";
import { customerPaymentMethods } from "../resources/payment-methods.ts";
import {
  createSchedule,
  releaseSchedule,
  updateSchedule,
} from "../resources/subscription-schedules.ts";
import { cancelSubscription, updateSubscription } from "../resources/subscriptions.ts";
import { expand } from "./expand.ts";
import { send } from "./responses.ts";

type Handler = (ctx: FakeContext, match: string[], body: FormObject) => ApiResult;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const route = (method: string, path: string, handler: Handler): Route => ({
  method,
  pattern: new RegExp(`^${path}$`),
  handler,
});
const segment = "([^/]+)";

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

const routes: Route[] = [
  route("POST", "/v1/customers", (ctx, _match, body) => {
    const customer = createCustomer(
      ctx,
      str(body.email) ?? null,
      str(body.name) ?? null,
      metadataOf(body.metadata),
    );
    return { json: customer };
  }),
  route("GET", `/v1/customers/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.customers, "customer", id ?? ""),
  })),
  route("GET", `/v1/customers/${segment}/payment_methods`, (ctx, [id]) => ({
    json: apiList(customerPaymentMethods(ctx, id ?? ""), `/v1/customers/${id}/payment_methods`),
  })),
  route("GET", `/v1/payment_methods/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.paymentMethods, "payment_method", id ?? ""),
  })),
  route("GET", `/v1/setup_intents/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.setupIntents, "setup_intent", id ?? ""),
  })),
  route("POST", "/v1/payment_intents", (ctx, _match, body) => createPaymentIntent(ctx, body)),
  route("POST", "/v1/checkout/sessions", (ctx, _match, body) => ({
    json: createCheckoutSession(ctx, body),
  })),
  route("GET", `/v1/checkout/sessions/${segment}`, (ctx, [id], query) => {
    const session = retrieve(ctx.state.checkoutSessions, "checkout session", id ?? "");
    const wanted = list(query.expand).map(str);
    if (!wanted.includes("line_items")) return { json: session };
    return { json: { ...clone(session), line_items: sessionLineItems(ctx, session) } };
  }),
  route("GET", `/v1/checkout/sessions/${segment}/line_items`, (ctx, [id]) => ({
    json: sessionLineItems(ctx, retrieve(ctx.state.checkoutSessions, "checkout session", id ?? "")),
  })),
  route("GET", "/v1/checkout/sessions", (ctx, _match, query) => {
    const status = str(query.status);
    return {
      json: listOf(
        ctx.state.checkoutSessions,
        "/v1/checkout/sessions",
        query,
        (session) => !status || session.status === status,
      ),
    };
  }),
  route("POST", `/v1/checkout/sessions/${segment}/expire`, (ctx, [id]) =>
    expireCheckoutSession(ctx, id ?? ""),
  ),
  route("GET", "/v1/subscriptions", (ctx, _match, query) => {
    // Like Stripe: without a status, every subscription that is not canceled.
    const status = str(query.status);
    const wanted = (subscription: Stripe.Subscription) =>
      status === "all" ||
      (status ? subscription.status === status : subscription.status !== "canceled");
    return { json: listOf(ctx.state.subscriptions, "/v1/subscriptions", query, wanted) };
  }),
  route("GET", `/v1/subscriptions/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.subscriptions, "subscription", id ?? ""),
  })),
  route("POST", `/v1/subscriptions/${segment}`, (ctx, [id], body) =>
    updateSubscription(ctx, id ?? "", body),
  ),
  route("DELETE", `/v1/subscriptions/${segment}`, (ctx, [id]) => cancelSubscription(ctx, id ?? "")),
  route("POST", "/v1/subscription_schedules", (ctx, _match, body) => ({
    json: createSchedule(ctx, body),
  })),
  route("GET", `/v1/subscription_schedules/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.schedules, "subscription schedule", id ?? ""),
  })),
  route("POST", `/v1/subscription_schedules/${segment}`, (ctx, [id], body) => ({
    json: updateSchedule(ctx, id ?? "", body),
  })),
  route("POST", `/v1/subscription_schedules/${segment}/release`, (ctx, [id]) => ({
    json: releaseSchedule(ctx, id ?? ""),
  })),
  route("POST", "/v1/billing_portal/sessions", (ctx, _match, body) => ({
    json: createPortalSession(ctx, body),
  })),
  // Read access to the objects the simulations create.
  route("GET", `/v1/invoices/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.invoices, "invoice", id ?? ""),
  })),
  route("GET", `/v1/charges/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.charges, "charge", id ?? ""),
  })),
  route("GET", `/v1/payment_intents/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.paymentIntents, "payment_intent", id ?? ""),
  })),
  route("GET", `/v1/disputes/${segment}`, (ctx, [id]) => ({
    json: retrieve(ctx.state.disputes, "dispute", id ?? ""),
  })),
];

export function handleApi(
  ctx: FakeContext,
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
    const stored = ctx.idempotentReplies.get(idempotencyKey);
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
    const match = (found.pattern.exec(path) ?? []).slice(1).map((part) => decodeURIComponent(part));
    const body =
      method === "GET" || method === "DELETE" ? { ...parseForm(raw), ...query } : parseForm(raw);
    const result = found.handler(ctx, match, body);
    events = result.events ?? [];
    status = result.status ?? 200;
    const expansions = list(body.expand)
      .map(str)
      .filter((path): path is string => Boolean(path) && path !== "line_items");
    json = status === 200 ? expand(ctx, result.json, expansions) : result.json;
  } catch (error) {
    if (!(error instanceof FakeStripeError)) throw error;
    status = error.status;
    json = error;
  }
  const text = JSON.stringify(json);
  if (idempotencyKey) ctx.idempotentReplies.set(idempotencyKey, { status, body: text });
  send(
    res,
    status,
    text,
    "application/json",
    idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
  );
  // Stripe sends webhooks after it has answered; keep their order with the chain.
  void deliver(ctx, events);
}
