// Which host the auth endpoints answer for: the request's own, only when the deployment trusts it.
import { describe, expect, it } from "vitest";
import { authEnvSchema } from "./env.ts";
import { requestOrigin, trustedAuthRequest } from "./hosts.ts";

const trusted = { trustedHosts: ["credits.example.com", "localhost:3000"], trustedProxies: 0 };

describe("the request's origin", () => {
  it("is the Host header's when that host is trusted, in plain HTTP without a proxy", () => {
    expect(requestOrigin(new Headers({ host: "Credits.Example.com" }), trusted)).toEqual({
      host: "credits.example.com",
      protocol: "http",
      origin: "http://credits.example.com",
    });
    expect(requestOrigin(new Headers({ host: "localhost:3000" }), trusted)?.origin).toBe(
      "http://localhost:3000",
    );
  });

  it("is none for a host that is not trusted, a missing one, or a trusted name on another port", () => {
    for (const host of ["evil.example", "localhost:3001", "credits.example.com.evil.example"])
      expect(requestOrigin(new Headers({ host }), trusted)).toBeNull();
    expect(requestOrigin(new Headers(), trusted)).toBeNull();
  });

  it("ignores X-Forwarded-Host and -Proto unless a proxy is trusted", () => {
    const headers = new Headers({
      host: "localhost:3000",
      "x-forwarded-host": "credits.example.com",
      "x-forwarded-proto": "https",
    });
    expect(requestOrigin(headers, trusted)?.origin).toBe("http://localhost:3000");
    expect(requestOrigin(headers, { ...trusted, trustedProxies: 1 })?.origin).toBe(
      "https://credits.example.com",
    );
  });

  it("behind a trusted proxy still refuses a forwarded host that is not trusted", () => {
    const headers = new Headers({ host: "localhost:3000", "x-forwarded-host": "evil.example" });
    expect(requestOrigin(headers, { ...trusted, trustedProxies: 1 })).toBeNull();
  });
});

describe("what next-auth is given of a request", () => {
  const env = { AUTH_TRUSTED_HOSTS: trusted.trustedHosts, AUTH_TRUSTED_PROXIES: 0 };
  const cookies = [{ name: "next-auth.session-token", value: "token" }];

  it("has the checked host in every header next-auth derives its URL from", () => {
    const incoming = new Headers({
      host: "credits.example.com",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-forwarded-for": "203.0.113.5",
    });
    expect(trustedAuthRequest(incoming, cookies, env)).toEqual({
      headers: {
        host: "credits.example.com",
        "x-forwarded-host": "credits.example.com",
        "x-forwarded-proto": "http",
        "x-forwarded-for": "203.0.113.5",
      },
      cookies: { "next-auth.session-token": "token" },
    });
  });

  it("is nothing for an untrusted host, and the request as it came when NEXTAUTH_URL fixes the URL", () => {
    const incoming = new Headers({ host: "evil.example" });
    expect(trustedAuthRequest(incoming, cookies, env)).toBeNull();
    const fixed = { ...env, NEXTAUTH_URL: "https://credits.example.com" };
    expect(trustedAuthRequest(incoming, cookies, fixed)?.headers.host).toBe("evil.example");
  });
});

describe("AUTH_TRUSTED_HOSTS", () => {
  const parse = (env: Record<string, string>) => authEnvSchema.safeParse(env);

  it("defaults in development to this machine on the port the app listens on", () => {
    const parsed = parse({ NODE_ENV: "development", PORT: "3001" });
    expect(parsed.data?.AUTH_TRUSTED_HOSTS).toEqual([
      "localhost:3001",
      "127.0.0.1:3001",
      "[::1]:3001",
    ]);
  });

  it("is a list of host[:port], trimmed and lower-cased", () => {
    const parsed = parse({ AUTH_TRUSTED_HOSTS: " Credits.example.com, admin.example.com:8443 " });
    expect(parsed.data?.AUTH_TRUSTED_HOSTS).toEqual([
      "credits.example.com",
      "admin.example.com:8443",
    ]);
    for (const bad of ["", "https://credits.example.com", "credits.example.com/path", "a b"]) {
      const refused = parse({ AUTH_TRUSTED_HOSTS: bad });
      expect(refused.error?.issues.map((issue) => issue.path.join("."))).toEqual([
        "AUTH_TRUSTED_HOSTS",
      ]);
    }
  });

  it("is required in production, unless NEXTAUTH_URL fixes the URL", () => {
    const secret = "a-production-secret-of-at-least-32-chars";
    const missing = parse({ NODE_ENV: "production", AUTH_SECRET: secret });
    expect(missing.error?.issues).toMatchObject([
      { path: ["AUTH_TRUSTED_HOSTS"], message: expect.stringContaining("required in production") },
    ]);
    expect(
      parse({ NODE_ENV: "production", AUTH_SECRET: secret, AUTH_TRUSTED_HOSTS: "a.example" })
        .success,
    ).toBe(true);
    expect(
      parse({ NODE_ENV: "production", AUTH_SECRET: secret, NEXTAUTH_URL: "https://a.example" })
        .success,
    ).toBe(true);
  });
});
