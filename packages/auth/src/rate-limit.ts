import type { RateLimiter } from "./counters.ts";

/**
 * Counts failed sign-ins per key (email and client address) in a fixed window from the first
 * failure, and locks the key out once it reaches the limit. The counters live in the given store:
 * Redis when REDIS_URL is set, so every instance sees the same failures.
 */
export class FailedSignInLimiter {
  constructor(
    private readonly store: RateLimiter,
    private readonly limit = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private key(key: string): string {
    return `signin:${key}`;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  async retryAfterMs(key: string): Promise<number> {
    const { count, resetMs } = await this.store.peek(this.key(key));
    return count >= this.limit ? resetMs : 0;
  }

  async recordFailure(key: string): Promise<void> {
    await this.store.hit(this.key(key), this.limit, this.windowMs);
  }

  async reset(key: string): Promise<void> {
    await this.store.reset(this.key(key));
  }
}
