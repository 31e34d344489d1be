// The Next.js proxy (Next 16's name for middleware) both apps run in front of their pages: it
// makes a nonce for each request and sends the security headers of http/security-headers.ts.
// Next.js reads the nonce from the CSP on the request and puts it on every script it renders
// (the pages render per request for that: the root layouts await connection()).
import { type NextRequest, NextResponse } from "next/server";
import {
  newNonce,
  pageContentSecurityPolicy,
  type SecurityHeaderSettings,
  securityHeaderSettingsFrom,
  securityHeaders,
  servedOverHttps,
} from "../http/security-headers.ts";

/** The proxy function of an app, for its `src/proxy.ts`. */
export function createSecurityProxy(
  settings: SecurityHeaderSettings = securityHeaderSettingsFrom(process.env),
) {
  return function proxy(request: NextRequest): NextResponse {
    const https = servedOverHttps(request.headers, settings);
    const contentSecurityPolicy = pageContentSecurityPolicy(newNonce(), {
      development: settings.development,
      https,
    });
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("content-security-policy", contentSecurityPolicy);
    const response = NextResponse.next({ request: { headers: requestHeaders } });
    for (const [name, value] of Object.entries(securityHeaders({ contentSecurityPolicy, https }))) {
      response.headers.set(name, value);
    }
    return response;
  };
}
