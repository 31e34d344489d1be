import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { createSecurityProxy } from "../next/proxy.ts";
import {
  pageContentSecurityPolicy,
  securityHeaderSettingsFrom,
  servedOverHttps,
} from "./security-headers.ts";

const forwardedHttps = new Headers({ "x-forwarded-proto": "https, http" });

describe("servedOverHttps", () => {
  it("believes X-Forwarded-Proto only behind a trusted proxy, by its first value", () => {
    expect(servedOverHttps(forwardedHttps, { trustedProxies: 0, development: false })).toBe(false);
    expect(servedOverHttps(forwardedHttps, { trustedProxies: 1, development: false })).toBe(true);
    const plain = new Headers({ "x-forwarded-proto": "http, https" });
    expect(servedOverHttps(plain, { trustedProxies: 1, development: false })).toBe(false);
    expect(servedOverHttps(new Headers(), { trustedProxies: 2, development: false })).toBe(false);
  });
});

describe("pageContentSecurityPolicy", () => {
  it("allows eval only in development and upgrades requests only over HTTPS", () => {
    const production = pageContentSecurityPolicy("abc", { development: false, https: false });
    expect(production).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic';");
    expect(production).not.toContain("unsafe-eval");
    expect(production).not.toContain("upgrade-insecure-requests");
    const development = pageContentSecurityPolicy("abc", { development: true, https: true });
    expect(development).toContain("'strict-dynamic' 'unsafe-eval';");
    expect(development).toContain("upgrade-insecure-requests");
  });
});

describe("securityHeaderSettingsFrom", () => {
  it("reads AUTH_TRUSTED_PROXIES and names a bad one", () => {
    expect(
      securityHeaderSettingsFrom({ AUTH_TRUSTED_PROXIES: "2", NODE_ENV: "production" }),
    ).toEqual({ trustedProxies: 2, development: false });
    expect(() => securityHeaderSettingsFrom({ AUTH_TRUSTED_PROXIES: "many" })).toThrow(
      /AUTH_TRUSTED_PROXIES: must be a whole number/,
    );
  });
});

describe("createSecurityProxy", () => {
  it("puts a fresh nonce's CSP on the request Next.js renders and on the answer, HSTS over HTTPS", () => {
    const proxy = createSecurityProxy({ trustedProxies: 1, development: false });
    const first = proxy(new NextRequest("http://127.0.0.1/", { headers: forwardedHttps }));
    const csp = first.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/'nonce-[A-Za-z0-9+/]{22}=='/);
    // NextResponse.next hands the changed request headers to the render this way.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(first.headers.get("strict-transport-security")).toBe("max-age=31536000");
    const second = proxy(new NextRequest("http://127.0.0.1/"));
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
    expect(second.headers.get("strict-transport-security")).toBeNull();
  });
});
