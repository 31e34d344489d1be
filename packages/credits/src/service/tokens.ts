// Service tokens for the REST API: created and revoked by operators, shown once, stored as SHA-256.
// CREDITS_SERVICE_TOKEN in the environment bootstraps one with every scope before any exists.
import { randomBytes } from "node:crypto";
import type { Database } from "@credits/db";
import { hashToken, matchesSecret } from "../crypto.ts";
import { NotFoundError, StateConflictError } from "../errors.ts";
import { auditAction } from "./audit.ts";
import type { Actor } from "./types.ts";

export const tokenScopes = ["read", "write", "webhooks"] as const;
export type TokenScope = (typeof tokenScopes)[number];

export interface VerifiedToken {
  /** The token's row id, or "env" for CREDITS_SERVICE_TOKEN. */
  id: string;
  scopes: TokenScope[];
}

const tokenPrefix = "cst_";

/**
 * How long a verified token is trusted without asking the database again: how long a revocation
 * takes to reach the other processes (docs/security.md). The process that revokes forgets the token
 * at once.
 */
export const tokenCacheMs = 5_000;

interface TokenCache {
  verified: Map<string, { token: VerifiedToken | null; until: number }>;
  lastUsedWrites: Map<string, number>;
  /** Revocations made by this process; a read that overlapped one is not cached. */
  revocations: number;
}

// One cache per process, not per module copy: Next.js bundles this module once for App-Router
// routes (the tRPC revoke) and once more for Pages-Router ones (the REST API), so a module-level
// Map would leave the REST API trusting a token the process had just revoked.
const processWide = globalThis as unknown as { __creditsServiceTokens?: TokenCache };
processWide.__creditsServiceTokens ??= {
  verified: new Map(),
  lastUsedWrites: new Map(),
  revocations: 0,
};
const cache = processWide.__creditsServiceTokens;
const { verified, lastUsedWrites } = cache;

/** Checks a bearer token: the bootstrap token from the environment, or a live stored one. */
export async function verifyServiceToken(
  db: Database,
  token: string,
  bootstrapToken: string | undefined,
): Promise<VerifiedToken | null> {
  if (bootstrapToken && matchesSecret(token, bootstrapToken)) {
    return { id: "env", scopes: [...tokenScopes] };
  }
  if (!token.startsWith(tokenPrefix) || token.length > 200) return null;
  const hash = hashToken(token);
  const cached = verified.get(hash);
  const now = Date.now();
  if (cached && cached.until > now) return cached.token;
  const revocationsBefore = cache.revocations;
  const row = await db.serviceToken.findFirst({
    where: { tokenHash: hash, revokedAt: null },
    select: { id: true, scopes: true },
  });
  const result = row
    ? {
        id: row.id,
        scopes: row.scopes.filter((scope): scope is TokenScope =>
          (tokenScopes as readonly string[]).includes(scope),
        ),
      }
    : null;
  if (verified.size > 10_000) verified.clear();
  // A revocation that committed while this read ran may not be in what it saw: not kept then.
  if (cache.revocations === revocationsBefore) {
    verified.set(hash, { token: result, until: now + tokenCacheMs });
  }
  if (result && (lastUsedWrites.get(result.id) ?? 0) < now - 60_000) {
    // Last use is kept to the minute, off the request's path: it is for operators, not for access.
    lastUsedWrites.set(result.id, now);
    void db.$executeRaw`UPDATE service_tokens SET last_used_at = now() WHERE id = ${result.id}::uuid`.catch(
      () => lastUsedWrites.delete(result.id),
    );
  }
  return result;
}

/** Creates a token; the returned `token` is the only time it is ever shown. */
export async function createServiceToken(
  db: Database,
  actor: Actor,
  input: { name: string; scopes: TokenScope[] },
) {
  const token = `${tokenPrefix}${randomBytes(32).toString("base64url")}`;
  const scopes = tokenScopes.filter((scope) => input.scopes.includes(scope));
  return db.$transaction(async (tx) => {
    const row = await tx.serviceToken.create({
      data: {
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, tokenPrefix.length + 6),
        scopes,
        createdById: actor.type === "ADMIN" ? actor.id : null,
      },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true },
    });
    await auditAction(tx, actor, {
      action: "token.create",
      after: { tokenId: row.id, name: row.name, scopes },
      reason: null,
    });
    return { ...row, token };
  });
}

/**
 * Revokes a token: at once in this process (its cache forgets the token once the revocation is
 * committed), within `tokenCacheMs` in the others, which keep their cached answer that long.
 */
export async function revokeServiceToken(db: Database, actor: Actor, tokenId: string) {
  const { tokenHash, ...revoked } = await db.$transaction(async (tx) => {
    const row = await tx.serviceToken.findUnique({
      where: { id: tokenId },
      select: { id: true, name: true, tokenHash: true, revokedAt: true },
    });
    if (!row) throw new NotFoundError("token", tokenId);
    if (row.revokedAt) throw new StateConflictError("This token is already revoked.");
    const revoked = await tx.serviceToken.update({
      where: { id: tokenId },
      data: { revokedAt: new Date() },
      select: { id: true, revokedAt: true },
    });
    await auditAction(tx, actor, {
      action: "token.revoke",
      before: { tokenId: row.id, name: row.name },
      after: { tokenId: row.id, revokedAt: revoked.revokedAt?.toISOString() ?? null },
    });
    return { ...revoked, tokenHash: row.tokenHash };
  });
  cache.revocations += 1;
  verified.delete(tokenHash);
  return revoked;
}

/** Every token, newest first, without its hash. */
export function listServiceTokens(db: Database) {
  return db.serviceToken.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
  });
}
