import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";
import { createMemoryRateLimiter } from "./rate-limiter.ts";
import { FailedSignInLimiter } from "./sign-in-limits.ts";

describe("passwords", () => {
  it("hashes with scrypt and a random salt, and verifies only the right password", async () => {
    const first = await hashPassword("correct horse battery staple");
    const second = await hashPassword("correct horse battery staple");
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword("correct horse battery staple", first)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", first)).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch, not a crash", async () => {
    expect(await verifyPassword("anything", "")).toBe(false);
    expect(await verifyPassword("anything", "bcrypt$xyz")).toBe(false);
  });
});

describe("failed sign-in limiter", () => {
  it("locks a key out after five failures within the window, and lets it in once the window passes", async () => {
    let now = 1_000_000;
    const limiter = new FailedSignInLimiter(
      createMemoryRateLimiter(() => now),
      5,
      60_000,
    );
    for (let attempt = 0; attempt < 4; attempt++) await limiter.recordFailure("a");
    expect(await limiter.retryAfterMs("a")).toBe(0);
    await limiter.recordFailure("a");
    expect(await limiter.retryAfterMs("a")).toBe(60_000);
    expect(await limiter.retryAfterMs("b")).toBe(0);
    now += 30_000;
    expect(await limiter.retryAfterMs("a")).toBe(30_000);
    now += 30_001;
    expect(await limiter.retryAfterMs("a")).toBe(0);
  });

  it("forgets a key's failures after a success", async () => {
    const limiter = new FailedSignInLimiter(createMemoryRateLimiter(), 2, 60_000);
    await limiter.recordFailure("a");
    await limiter.reset("a");
    await limiter.recordFailure("a");
    expect(await limiter.retryAfterMs("a")).toBe(0);
  });
});
