// Failed sign-ins are limited per email whatever address they come from, and per address only
// when a trusted proxy reports it: X-Forwarded-For as a client sends it proves nothing.
import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { afterAll, describe, expect, it } from "vitest";
import { clientAddress, createAuthOptions, signInErrors } from "../src/options.ts";
import { createMemoryRateLimiter } from "../src/rate-limiter.ts";
import { SignInThrottle } from "../src/sign-in-limits.ts";
import { SignUpInput, signUp } from "../src/users.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
afterAll(() => db.$disconnect());

describe("the sign-in throttle", () => {
  // A clock that stands still, so the time left is exactly the window.
  const throttle = () =>
    new SignInThrottle(
      createMemoryRateLimiter(() => 1_000_000),
      { perEmail: 3, perAddress: 5, windowMs: 60_000 },
    );

  it("locks an email out after its failures, from whichever addresses they came", async () => {
    const limits = throttle();
    for (const address of ["198.51.100.1", "198.51.100.2", null])
      await limits.recordFailure({ email: "Ann@example.com", address });
    expect(await limits.retryAfterMs({ email: "ann@example.com", address: "203.0.113.7" })).toBe(
      60_000,
    );
    expect(await limits.retryAfterMs({ email: "ann@example.com", address: null })).toBe(60_000);
    expect(await limits.retryAfterMs({ email: "bob@example.com", address: "198.51.100.1" })).toBe(
      0,
    );
  });

  it("locks an address out after failures across emails, but not those emails elsewhere", async () => {
    const limits = throttle();
    for (let index = 0; index < 5; index++)
      await limits.recordFailure({ email: `user${index}@example.com`, address: "198.51.100.9" });
    expect(await limits.retryAfterMs({ email: "new@example.com", address: "198.51.100.9" })).toBe(
      60_000,
    );
    expect(await limits.retryAfterMs({ email: "new@example.com", address: "198.51.100.10" })).toBe(
      0,
    );
    expect(await limits.retryAfterMs({ email: "new@example.com", address: null })).toBe(0);
  });

  it("forgets an email's failures after a success, but not its address's", async () => {
    const limits = throttle();
    for (let index = 0; index < 4; index++)
      await limits.recordFailure({ email: "ann@example.com", address: "198.51.100.3" });
    await limits.recordSuccess({ email: "ann@example.com", address: "198.51.100.3" });
    expect(await limits.retryAfterMs({ email: "ann@example.com", address: null })).toBe(0);
    await limits.recordFailure({ email: "ann@example.com", address: "198.51.100.3" });
    expect(await limits.retryAfterMs({ email: "ann@example.com", address: "198.51.100.3" })).toBe(
      60_000,
    );
  });
});

describe("the client's address", () => {
  const headers = { "x-forwarded-for": "10.0.0.1, 198.51.100.4, 203.0.113.5" };

  it("is unknown unless a trusted proxy put it in X-Forwarded-For", () => {
    expect(clientAddress(headers, 0)).toBeNull();
    expect(clientAddress({}, 1)).toBeNull();
    expect(clientAddress(undefined, 1)).toBeNull();
  });

  it("is the entry the outermost trusted proxy appended, whatever the client put before it", () => {
    expect(clientAddress(headers, 1)).toBe("203.0.113.5");
    expect(clientAddress(headers, 2)).toBe("198.51.100.4");
    expect(clientAddress({ "x-forwarded-for": ["10.0.0.1", "203.0.113.5"] }, 1)).toBe(
      "203.0.113.5",
    );
    // Fewer entries than trusted proxies: the request did not come through them all.
    expect(clientAddress({ "x-forwarded-for": "203.0.113.5" }, 2)).toBeNull();
  });
});

describe("email and password sign-in (the next-auth provider)", () => {
  const throttle = new SignInThrottle(createMemoryRateLimiter());
  const provider = createAuthOptions(() => db, throttle).providers.find(
    (candidate) => candidate.id === "credentials",
  ) as CredentialsConfig & { options: CredentialsConfig };
  const signIn = (email: string, password: string, forwardedFor: string) =>
    provider.options.authorize(
      { email, password },
      { headers: { "x-forwarded-for": forwardedFor }, body: {}, query: {}, method: "POST" },
    );

  it("locks an account out after five wrong passwords, however each claims to be forwarded", async () => {
    const email = `limits-${randomUUID()}@example.com`;
    await signUp(db, SignUpInput.parse({ name: "Ann", email, password: "long enough pw" }));
    expect(await signIn(email, "long enough pw", "198.51.100.1")).toMatchObject({ email });
    for (let attempt = 1; attempt <= 5; attempt++)
      expect(await signIn(email, "wrong password", `203.0.113.${attempt}`)).toBeNull();
    await expect(signIn(email, "long enough pw", "192.0.2.200")).rejects.toThrow(
      signInErrors.tooManyAttempts,
    );
  });

  it("answers a plain failed sign-in to an email or password holding characters text cannot", async () => {
    const email = `nul-${randomUUID()}@example.com`;
    await signUp(db, SignUpInput.parse({ name: "Ann", email, password: "long enough pw" }));
    for (const [who, password] of [
      [`${email}\u0000`, "long enough pw"],
      [`\ud800${email}`, "long enough pw"],
      [email, "long enough pw\u0000"],
    ] as const)
      expect(await signIn(who, password, "198.51.100.7")).toBeNull();
  });
});
