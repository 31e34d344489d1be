// Customers: made by the API or, for a checkout with only an email, when the checkout completes.
import type Stripe from "stripe";
import { type FakeContext, now } from "../context.ts";
import { newId, shape } from "../objects.ts";

export function customerObject(args: {
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
}): Stripe.Customer {
  return shape<Stripe.Customer>({
    id: newId("cus_"),
    object: "customer",
    balance: 0,
    created: args.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: args.email,
    invoice_prefix: null,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: args.metadata,
    name: args.name,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  });
}

export function createCustomer(
  ctx: FakeContext,
  email: string | null,
  name: string | null,
  metadata: Record<string, string> = {},
): Stripe.Customer {
  const customer = customerObject({ email, name, metadata, created: now(ctx) });
  ctx.state.customers.set(customer.id, customer);
  return customer;
}
