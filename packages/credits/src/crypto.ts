// Hashing of secrets (service tokens, the metrics token): stored and compared as SHA-256 only.
import { createHash, timingSafeEqual } from "node:crypto";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Compares a given secret with the configured one in constant time (of their hashes). */
export function matchesSecret(given: string, secret: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(given)), Buffer.from(hashToken(secret)));
}
