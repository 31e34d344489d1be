// Sign-in limits: failed sign-ins counted per email (and per address behind a trusted proxy),
// with a lock-out once a key reaches its limit; the counters live in a RateLimiter store.
import type { RateLimiter } from "./rate-limiter.ts";

/**
 * Counts failed sign-ins per key in a fixed window from the first
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

/** Who a sign-in attempt is for, and where it comes from when that is known. */
export interface SignInAttempt {
  email: string;
  /** The client's address as a trusted proxy reported it; null when there is none to trust. */
  address: string | null;
}

/**
 * The limits on failed sign-ins: per email, whatever the address (so guessing one account's
 * password from many addresses is stopped), and per address across emails (so one client cannot
 * try many accounts). A success forgets the email's failures but not the address's: signing in to
 * one's own account must not reset a count of guesses at others.
 */
export class SignInThrottle {
  private readonly byEmail: FailedSignInLimiter;
  private readonly byAddress: FailedSignInLimiter;

  constructor(
    store: RateLimiter,
    limits: { perEmail?: number; perAddress?: number; windowMs?: number } = {},
  ) {
    const windowMs = limits.windowMs ?? 15 * 60 * 1000;
    this.byEmail = new FailedSignInLimiter(store, limits.perEmail ?? 5, windowMs);
    this.byAddress = new FailedSignInLimiter(store, limits.perAddress ?? 20, windowMs);
  }

  private keys(attempt: SignInAttempt) {
    const email = `email:${attempt.email.trim().toLowerCase()}`;
    return { email, address: attempt.address ? `address:${attempt.address}` : null };
  }

  /** Milliseconds until this attempt may be made; 0 when it may be made now. */
  async retryAfterMs(attempt: SignInAttempt): Promise<number> {
    const keys = this.keys(attempt);
    const waits = await Promise.all([
      this.byEmail.retryAfterMs(keys.email),
      keys.address ? this.byAddress.retryAfterMs(keys.address) : 0,
    ]);
    return Math.max(...waits);
  }

  async recordFailure(attempt: SignInAttempt): Promise<void> {
    const keys = this.keys(attempt);
    await this.byEmail.recordFailure(keys.email);
    if (keys.address) await this.byAddress.recordFailure(keys.address);
  }

  async recordSuccess(attempt: SignInAttempt): Promise<void> {
    await this.byEmail.reset(this.keys(attempt).email);
  }
}
