// Every route gets the security headers of @credits/credits/next/proxy (a CSP nonce per page).
import { createSecurityProxy } from "@credits/credits/next/proxy";

export const proxy = createSecurityProxy();

// Everything but the API routes that take bodies: a proxy reads a body whole before the route
// does, past the route's own limit. Those routes send the same headers themselves
// (withSecurityHeaders, the REST handler). Next.js reads this statically, so it is written out here.
export const config = {
  matcher: [
    "/((?!api/trpc/[^/]+$|api/webhooks/stripe$|api/(?:credits|customers|subscriptions|usage|webhook-endpoints|webhook-deliveries)(?:/|$)).*)",
  ],
};
