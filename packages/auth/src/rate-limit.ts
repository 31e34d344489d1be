/**
 * Counts failed sign-ins per key (email and client address) in a sliding window, and locks the key
 * out once it reaches the limit. Kept in memory per process; a shared store arrives with the
 * service API's Redis-backed limits.
 */
export class FailedSignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((time) => time > since);
    if (times.length > 0) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const times = this.recent(key);
    if (times.length < this.limit) return 0;
    return (times[times.length - this.limit] ?? 0) + this.windowMs - this.now();
  }

  recordFailure(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
