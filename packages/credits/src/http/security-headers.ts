// The security headers of every answer of both Next.js apps and apps/service, decided once here:
// the apps' proxy (next/proxy.ts) sends them on pages, with a fresh CSP nonce each time, and the
// API handlers that the proxy leaves alone (they take bodies, which a proxy would buffer whole) send
// them on theirs, as apps/service does on all of its answers.
import { trustedProxiesSchema } from "@credits/auth/env";
import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";

/** What the headers depend on besides the request: read once per process from its environment. */
export interface SecurityHeaderSettings {
  /** Reverse proxies in front of the app (AUTH_TRUSTED_PROXIES): only then X-Forwarded-Proto counts. */
  trustedProxies: number;
  /** `next dev`: React reconstructs server error stacks with eval, so the CSP allows it there. */
  development: boolean;
}

/** The variables the headers read; apps/service validates them at startup with its own. */
export const securityEnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  /** The variable sign-in reads too: one setting says how many proxies there are. */
  AUTH_TRUSTED_PROXIES: trustedProxiesSchema,
});

/** The settings of a process environment; stops with a message naming a bad variable. */
export function securityHeaderSettingsFrom(
  source: Record<string, string | undefined>,
): SecurityHeaderSettings {
  const env = parseEnvironment(securityEnvSchema, "the security headers", source);
  return { trustedProxies: env.AUTH_TRUSTED_PROXIES, development: env.NODE_ENV === "development" };
}

/**
 * The CSP of answers that are not pages (JSON, CSV, metrics): nothing may load from them, and no
 * page may frame them.
 */
export const apiContentSecurityPolicy =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The CSP of pages. Scripts run only with this request's nonce (Next.js puts it on its own scripts
 * when it finds it in the request's CSP, next/proxy.ts), and what they load is trusted through
 * 'strict-dynamic'. Style elements need the nonce too; style attributes are allowed, as React
 * renders `style` props into the HTML (a bar's width) and an attribute cannot select or fetch.
 * Over HTTPS, plain-HTTP subresources are upgraded; over HTTP (development, tests) that would
 * point the page's own assets at a port that speaks no TLS.
 */
export function pageContentSecurityPolicy(
  nonce: string,
  options: { development: boolean; https: boolean },
): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * The CSP of a page made of HTML and one style element, without scripts (apps/service's API
 * reference): its style runs with the nonce, and nothing else loads.
 */
export function scriptlessPageContentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** A fresh, unguessable nonce (128 random bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * Whether the browser reached us over HTTPS. The apps serve plain HTTP themselves, so only a trusted
 * proxy's X-Forwarded-Proto can say so (its first value, as the sign-in origin reads it,
 * @credits/auth hosts.ts); a client's own header counts for nothing without one.
 */
export function servedOverHttps(
  headers: { get(name: string): string | null },
  settings: SecurityHeaderSettings,
): boolean {
  if (settings.trustedProxies < 1) return false;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/** HSTS for a year; without includeSubDomains, as other hosts of the domain are not ours to decide. */
const strictTransportSecurity = "max-age=31536000";

/**
 * Every security header of one answer. Nothing may frame it, a declared content type is never
 * second-guessed, no address leaves for another origin in Referer, and the powerful browser
 * features no page here uses are off.
 */
export function securityHeaders(options: {
  contentSecurityPolicy: string;
  https: boolean;
}): Record<string, string> {
  return {
    "content-security-policy": options.contentSecurityPolicy,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
    ...(options.https ? { "strict-transport-security": strictTransportSecurity } : {}),
  };
}

/** The security headers of a non-page answer to `request`. */
export function apiSecurityHeaders(
  request: { headers: { get(name: string): string | null } },
  settings: SecurityHeaderSettings,
): Record<string, string> {
  return securityHeaders({
    contentSecurityPolicy: apiContentSecurityPolicy,
    https: servedOverHttps(request.headers, settings),
  });
}

/** `response` with the security headers of a non-page answer to `request` added. */
export function withApiSecurityHeaders(
  response: Response,
  request: Request,
  settings: SecurityHeaderSettings,
): Response {
  for (const [name, value] of Object.entries(apiSecurityHeaders(request, settings))) {
    response.headers.set(name, value);
  }
  return response;
}
