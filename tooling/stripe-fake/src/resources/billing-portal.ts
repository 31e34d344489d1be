// Billing portal sessions: only made, for the app to redirect to; the page lists the customer's
// subscriptions and links back.
import type Stripe from "stripe";
import { type FakeContext, now } from "../context.ts";
import { missing, noSuch } from "../errors.ts";
import { type FormObject, str } from "../form.ts";
import { newId, shape } from "../objects.ts";

export function createPortalSession(
  ctx: FakeContext,
  body: FormObject,
): Stripe.BillingPortal.Session {
  const customer = str(body.customer);
  if (!customer) throw missing("customer");
  if (!ctx.state.customers.has(customer)) throw noSuch("customer", customer, 400, "customer");
  const id = newId("bps_");
  const session = shape<Stripe.BillingPortal.Session>({
    id,
    object: "billing_portal.session",
    configuration: "bpc_fake",
    created: now(ctx),
    customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: str(body.return_url) ?? null,
    url: `${ctx.baseUrl}/portal/${id}`,
  });
  ctx.state.billingPortalSessions.set(id, session);
  return session;
}
