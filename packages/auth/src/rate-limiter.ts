// Fixed-window counters for rate limits (the REST API's, failed sign-ins). With Redis they are
// shared by every instance (one atomic script per hit); without it each process counts alone, which
// is right for a single instance.
import { Redis } from "ioredis";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** When the window resets, in milliseconds from now. */
  resetMs: number;
}

export interface RateLimiter {
  /** Counts one more in the key's window (started by the first hit) and says if it is allowed. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** The key's count in its current window, without counting. */
  peek(key: string): Promise<{ count: number; resetMs: number }>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryRateLimiter(clock: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, limit, windowMs) {
      const now = clock();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        if (windows.size > 100_000) {
          for (const [name, old] of windows) if (old.resetAt <= now) windows.delete(name);
        }
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return {
        allowed: window.count <= limit,
        remaining: Math.max(0, limit - window.count),
        resetMs: window.resetAt - now,
      };
    },
    async peek(key) {
      const window = windows.get(key);
      const now = clock();
      if (!window || window.resetAt <= now) return { count: 0, resetMs: 0 };
      return { count: window.count, resetMs: window.resetAt - now };
    },
    async reset(key) {
      windows.delete(key);
    },
    async close() {
      windows.clear();
    },
  };
}

/** INCR, start the window on the first hit, and report the time left: atomically, in Redis. */
const hitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/** The script as a command: sent once, then called by its hash (EVALSHA) on every hit. */
type RedisWithHit = Redis & {
  creditsRateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
};

export function createRedisRateLimiter(url: string, prefix = "credits:ratelimit:"): RateLimiter {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in the same tick by concurrent requests go out in one write: under load
    // that halves Redis's CPU per request and saves the API a system call per limit checked.
    enableAutoPipelining: true,
  }) as RedisWithHit;
  redis.defineCommand("creditsRateLimitHit", { numberOfKeys: 1, lua: hitScript });
  // Errors surface on the commands that fail; an idle reconnect is not worth a crash.
  redis.on("error", () => {});
  return {
    async hit(key, limit, windowMs) {
      const [count, ttl] = await redis.creditsRateLimitHit(`${prefix}${key}`, windowMs);
      return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetMs: ttl };
    },
    async peek(key) {
      const [count, ttl] = await Promise.all([
        redis.get(`${prefix}${key}`),
        redis.pttl(`${prefix}${key}`),
      ]);
      return { count: Number(count ?? 0), resetMs: Math.max(0, ttl) };
    },
    async reset(key) {
      await redis.del(`${prefix}${key}`);
    },
    async close() {
      await redis.quit();
    },
  };
}
