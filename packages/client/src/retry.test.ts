import { describe, expect, it } from "vitest";
import { type RetryPolicy, retryAfterMs, retryDelayMs } from "./retry.ts";

const policy: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("retryAfterMs", () => {
  it("reads delta-seconds and HTTP dates, and nothing else", () => {
    expect(retryAfterMs("2")).toBe(2_000);
    expect(retryAfterMs("0")).toBe(0);
    const now = Date.parse("2026-12-02T06:00:00Z");
    expect(retryAfterMs("Wed, 02 Dec 2026 06:00:03 GMT", now)).toBe(3_000);
    expect(retryAfterMs("Wed, 02 Dec 2026 05:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("")).toBeUndefined();
    expect(retryAfterMs("-1")).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base with jitter in the upper half, capped at the maximum", () => {
    expect([0, 1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([0, 1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
  });

  it("waits at least what Retry-After asks, and gives up when it asks for more than the maximum", () => {
    expect(retryDelayMs(0, "1", policy, () => 0)).toBe(1_000);
    expect(retryDelayMs(0, "0", policy, () => 0)).toBe(50);
    expect(retryDelayMs(0, "2", policy, () => 0)).toBeUndefined();
  });
});
