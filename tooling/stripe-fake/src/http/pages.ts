// The browser pages Stripe hosts: Checkout (its Pay or Save card button completes the session with
// the test card chosen and redirects to the success URL) and the billing portal.
import type { ServerResponse } from "node:http";
import type Stripe from "stripe";
import type { FakeContext } from "../context.ts";
import { simulate } from "../events.ts";
import { parseForm } from "../form.ts";
import { CURRENCY, formatMoney } from "../objects.ts";
import { completeCheckout } from "../resources/checkout-sessions.ts";
import { testCardOf, testCards } from "../resources/payment-methods.ts";
import { sendHtml } from "./responses.ts";

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{font-size:1rem;padding:.5rem 1.5rem}li{margin:.25rem 0}</style></head>
<body>
${body}
</body>
</html>
`;
}

function checkoutPage(ctx: FakeContext, session: Stripe.Checkout.Session): string {
  const lines = ctx.sessionExtras.get(session.id)?.lines ?? [];
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
  const cards = Object.entries(testCards)
    .map(([id, card]) => `<option value="${id}">${id} (•••• ${card.last4})</option>`)
    .join("");
  const button = session.mode === "setup" ? "Save card" : "Pay";
  const action =
    session.status === "open"
      ? `<form method="post" action="/checkout/${encodeURIComponent(session.id)}/pay"><p><label>Test card <select name="payment_method">${cards}</select></label></p><button type="submit">${button}</button></form>${cancel}`
      : `<p>This checkout session is ${escapeHtml(String(session.status))}.</p>`;
  return page(
    "Fake Stripe Checkout",
    `<h1>Fake Stripe Checkout</h1>
<p>Mode: ${escapeHtml(session.mode)}</p>
${
  session.mode === "setup"
    ? "<p>Save a card for later payments.</p>"
    : `<ul>${items}</ul>
<p>Total: <strong data-testid="amount">${total}</strong>${session.mode === "subscription" ? " / month" : ""}</p>`
}
${action}`,
  );
}

function portalPage(ctx: FakeContext, session: Stripe.BillingPortal.Session): string {
  const customer = ctx.state.customers.get(session.customer);
  const subscriptions = [...ctx.state.subscriptions.values()]
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

/** Serves a checkout or portal page; false when `path` is none of theirs. */
export async function handlePage(
  ctx: FakeContext,
  res: ServerResponse,
  method: string,
  path: string,
  raw: string,
): Promise<boolean> {
  const checkout = /^\/checkout\/([^/]+)(\/pay)?$/.exec(path);
  if (checkout) {
    const session = ctx.state.checkoutSessions.get(decodeURIComponent(checkout[1] ?? ""));
    if (!session) {
      sendHtml(res, 404, page("Not found", "<h1>No such checkout session</h1>"));
      return true;
    }
    if (method === "GET" && !checkout[2]) {
      sendHtml(res, 200, checkoutPage(ctx, session));
      return true;
    }
    if (method === "POST" && checkout[2]) {
      const card = testCardOf(parseForm(raw).payment_method);
      if (session.status === "open") {
        await simulate(ctx, () => completeCheckout(ctx, session.id, card));
      }
      const location = (session.success_url ?? "/").replace(/\{CHECKOUT_SESSION_ID\}/g, session.id);
      res.writeHead(303, { location, "content-length": 0 });
      res.end();
      return true;
    }
  }
  const portal = /^\/portal\/([^/]+)$/.exec(path);
  if (portal && method === "GET") {
    const session = ctx.state.billingPortalSessions.get(decodeURIComponent(portal[1] ?? ""));
    if (session) sendHtml(res, 200, portalPage(ctx, session));
    else sendHtml(res, 404, page("Not found", "<h1>No such billing portal session</h1>"));
    return true;
  }
  return false;
}
