import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";
import { FailedSignInLimiter } from "./rate-limit.ts";

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
  it("locks a key out after five failures within the window, and lets it in once the window passes", () => {
    let now = 1_000_000;
    const limiter = new FailedSignInLimiter(5, 60_000, () => now);
    for (let attempt = 0; attempt < 4; attempt++) limiter.recordFailure("a");
    expect(limiter.retryAfterMs("a")).toBe(0);
    limiter.recordFailure("a");
    expect(limiter.retryAfterMs("a")).toBe(60_000);
    expect(limiter.retryAfterMs("b")).toBe(0);
    now += 30_000;
    expect(limiter.retryAfterMs("a")).toBe(30_000);
    now += 30_001;
    expect(limiter.retryAfterMs("a")).toBe(0);
  });

  it("forgets a key's failures after a success", () => {
    const limiter = new FailedSignInLimiter(2, 60_000);
    limiter.recordFailure("a");
    limiter.reset("a");
    limiter.recordFailure("a");
    expect(limiter.retryAfterMs("a")).toBe(0);
  });
});
