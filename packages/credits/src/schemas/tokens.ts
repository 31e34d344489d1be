// Service tokens for the REST API: creating and revoking them, and what operators see of them (never
// the hash; the secret itself only once, when it is created).
import { z } from "zod";
import { SafeText } from "./common.ts";

/**
 * read and write cover credits, holds, subscriptions and usage; webhooks alone manages webhook
 * endpoints and their delivery logs (docs/security.md: an endpoint receives every customer's
 * events, so the tokens that spend and grant cannot set one up).
 */
export const ServiceTokenScope = z.enum(["read", "write", "webhooks"], {
  error: "must be read, write or webhooks",
});

export const CreateServiceTokenInput = z.object({
  name: SafeText.trim()
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" }),
  scopes: z
    .array(ServiceTokenScope)
    .min(1, { error: "must include at least one of read, write and webhooks" })
    .max(3),
});

export const ServiceTokenIdInput = z.object({
  tokenId: z.uuid({ error: "must be a token id (a UUID)" }),
});

/** Scopes as stored: Prisma reads the column as text[], the database's CHECK holds it to the three. */
const StoredScopes = z.array(z.string().pipe(ServiceTokenScope));

export const ServiceTokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, to recognise it by. */
  prefix: z.string(),
  scopes: StoredScopes,
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  /** null for a token no operator created. */
  createdBy: z.object({ email: z.string().nullable() }).nullable(),
});

export const CreatedServiceToken = ServiceTokenSummary.pick({
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
}).extend({
  /** The secret: this response is the only time it is shown. */
  token: z.string(),
});

export const RevokedServiceToken = z.object({ id: z.string(), revokedAt: z.date().nullable() });
