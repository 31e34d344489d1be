// Rate limits per token and per user: 429 with Retry-After, in memory for one process and shared
// through Redis by several (when REDIS_URL is set, as in CI; without Redis the apps use memory).
import { randomUUID } from "node:crypto";
import { createRedisRateLimiter, FailedSignInLimiter } from "@credits/auth";
import { describe, expect, it, onTestFinished } from "vitest";
import { createUser } from "./fixtures.ts";
import { call, startApi, tokenWith } from "./rest-fixtures.ts";

describe("rate limits in one process", () => {
  it("limits each token, with Retry-After, and each user across tokens", async () => {
    const limited = await startApi({
      env: { RATE_LIMIT_TOKEN_PER_MINUTE: "4", RATE_LIMIT_USER_PER_MINUTE: "3" },
    });
    onTestFinished(() => limited.close());
    const [first, second] = [await createUser(), await createUser()];
    const balance = (userId: string, token?: string) =>
      call("GET", `/api/credits/${userId}/balance`, { base: limited.url, token });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await balance(first.id)).status);
    expect(statuses).toEqual([200, 200, 200]);
    // The user's limit (3) is reached even through another token.
    const other = await tokenWith(["read"]);
    const userLimited = await balance(first.id, other.token);
    expect(userLimited.status).toBe(429);
    expect(userLimited.body.error.code).toBe("rate_limited");
    expect(Number(userLimited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The bootstrap token's own limit (4): one more call is allowed, then 429 for any user.
    expect((await balance(second.id)).status).toBe(200);
    const tokenLimited = await balance(second.id);
    expect(tokenLimited.status).toBe(429);
    expect(tokenLimited.body.error.message).toContain("this token");
  });
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  describe("rate limits shared through Redis", () => {
    it("counts requests to two API instances against one limit", async () => {
      const prefix = `credits:test:${randomUUID()}:`;
      const env = { RATE_LIMIT_TOKEN_PER_MINUTE: "6" };
      const limiters = [
        createRedisRateLimiter(redisUrl, prefix),
        createRedisRateLimiter(redisUrl, prefix),
      ];
      const instances = await Promise.all(limiters.map((limiter) => startApi({ limiter, env })));
      onTestFinished(async () => {
        for (const instance of instances) await instance.close();
        for (const limiter of limiters) await limiter.close();
      });
      const user = await createUser();
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          call("GET", `/api/credits/${user.id}/balance`, {
            base: instances[index % 2]?.url,
          }).then((result) => result.status),
        ),
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(6);
      expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    });

    it("locks out failed sign-ins on every instance, and forgets them after a success", async () => {
      const prefix = `credits:test:${randomUUID()}:`;
      const stores = [
        createRedisRateLimiter(redisUrl, prefix),
        createRedisRateLimiter(redisUrl, prefix),
      ];
      onTestFinished(async () => {
        for (const store of stores) await store.close();
      });
      const [first, second] = stores.map((store) => new FailedSignInLimiter(store, 3, 60_000));
      if (!first || !second) throw new Error("two limiters expected");
      await first.recordFailure("ann|ip");
      await second.recordFailure("ann|ip");
      expect(await first.retryAfterMs("ann|ip")).toBe(0);
      await first.recordFailure("ann|ip");
      const retryAfter = await second.retryAfterMs("ann|ip");
      expect(retryAfter).toBeGreaterThan(55_000);
      expect(retryAfter).toBeLessThanOrEqual(60_000);
      await second.reset("ann|ip");
      expect(await first.retryAfterMs("ann|ip")).toBe(0);
    });
  });
}
