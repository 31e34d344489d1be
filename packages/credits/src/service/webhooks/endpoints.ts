// Webhook endpoints as operators (admin app) and service tokens (REST) manage them. Every change
// is one transaction that also keeps wanted_event_types in step (the spend path records opt-in
// events only while some enabled endpoint asks for them) and, for operators, the audit log.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { Database, Prisma } from "@credits/db";
import { InvalidRequestError, NotFoundError } from "../../errors.ts";
import type {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookEndpoint,
} from "../../schemas/webhooks.ts";
import { auditAction } from "../audit.ts";
import { optInEventTypes } from "../events/catalogue.ts";
import type { Actor, Queryable } from "../types.ts";
import { hostOf, isPrivateAddress } from "./url-safety.ts";

/** How long the previous secret keeps signing after a rotation. */
export const secretOverlapMs = 24 * 60 * 60 * 1000;

export const endpointSelect = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  failingSince: true,
  disabledAt: true,
  disabledReason: true,
  previousSecretExpiresAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WebhookEndpointSelect;

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * Refuses a URL whose host is a private or loopback address or a local name, unless the
 * deployment allows them. Names are checked again, resolved, at every attempt (url-safety.ts).
 */
export function checkEndpointUrl(url: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const host = hostOf(new URL(url)).toLowerCase();
  const local = host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local");
  if (local || (isIP(host) !== 0 && isPrivateAddress(host))) {
    throw new InvalidRequestError(
      "must not point at a private or loopback address (set WEBHOOK_ALLOW_PRIVATE_URLS=on to allow it, e.g. in tests)",
      "url",
    );
  }
}

/**
 * Makes wanted_event_types the opt-in types that enabled endpoints name, in the transaction of
 * the change; an advisory lock puts concurrent endpoint changes in a line, so the last one to
 * commit writes what all of them together want.
 */
export async function syncWantedEventTypes(tx: Queryable): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints', 0))`;
  await tx.$executeRaw`DELETE FROM wanted_event_types`;
  await tx.$executeRaw`INSERT INTO wanted_event_types (type)
    SELECT DISTINCT t FROM webhook_endpoints e, unnest(e.event_types) AS t
    WHERE e.enabled AND t = ANY(${[...optInEventTypes]}::text[])`;
}

async function requireEndpoint(
  tx: Pick<Prisma.TransactionClient, "webhookEndpoint">,
  endpointId: string,
) {
  const endpoint = await tx.webhookEndpoint.findUnique({
    where: { id: endpointId },
    select: endpointSelect,
  });
  if (!endpoint) throw new NotFoundError("webhook endpoint", endpointId);
  return endpoint;
}

/** Creates an endpoint and answers it with its signing secret, which is never shown again. */
export async function createWebhookEndpoint(
  db: Database,
  actor: Actor,
  input: CreateWebhookEndpointInput,
  policy: { allowPrivateUrls: boolean },
): Promise<WebhookEndpoint & { secret: string }> {
  checkEndpointUrl(input.url, policy.allowPrivateUrls);
  return db.$transaction(async (tx) => {
    const secret = newSecret();
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        enabled: input.enabled,
        disabledAt: input.enabled ? null : new Date(),
        disabledReason: input.enabled ? null : "created disabled",
        secret,
      },
      select: endpointSelect,
    });
    await syncWantedEventTypes(tx);
    await auditAction(tx, actor, {
      action: "webhook.create",
      after: { endpointId: endpoint.id, url: endpoint.url, eventTypes: endpoint.eventTypes },
    });
    return { ...endpoint, secret };
  });
}

/** Changes an endpoint's URL, description, event types or state; enabling forgets its failures. */
export async function updateWebhookEndpoint(
  db: Database,
  actor: Actor,
  input: UpdateWebhookEndpointInput,
  policy: { allowPrivateUrls: boolean },
): Promise<WebhookEndpoint> {
  if (input.url) checkEndpointUrl(input.url, policy.allowPrivateUrls);
  return db.$transaction(async (tx) => {
    const before = await requireEndpoint(tx, input.endpointId);
    const stateChange =
      input.enabled === undefined || input.enabled === before.enabled
        ? {}
        : input.enabled
          ? { enabled: true, failingSince: null, disabledAt: null, disabledReason: null }
          : { enabled: false, disabledAt: new Date(), disabledReason: "disabled by hand" };
    const endpoint = await tx.webhookEndpoint.update({
      where: { id: input.endpointId },
      data: {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        ...stateChange,
      },
      select: endpointSelect,
    });
    await syncWantedEventTypes(tx);
    await auditAction(tx, actor, {
      action: "webhook.update",
      before: {
        endpointId: before.id,
        url: before.url,
        eventTypes: before.eventTypes,
        enabled: before.enabled,
      },
      after: {
        endpointId: endpoint.id,
        url: endpoint.url,
        eventTypes: endpoint.eventTypes,
        enabled: endpoint.enabled,
      },
    });
    return endpoint;
  });
}

/**
 * Gives the endpoint a new signing secret, answered once. The previous one keeps signing as a
 * second signature for a day, so a receiver can switch without losing events.
 */
export function rotateWebhookSecret(
  db: Database,
  actor: Actor,
  endpointId: string,
): Promise<WebhookEndpoint & { secret: string }> {
  return db.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ secret: string }[]>`
      SELECT secret FROM webhook_endpoints WHERE id = ${endpointId}::uuid FOR UPDATE`;
    if (!current) throw new NotFoundError("webhook endpoint", endpointId);
    const secret = newSecret();
    const endpoint = await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: {
        secret,
        previousSecret: current.secret,
        previousSecretExpiresAt: new Date(Date.now() + secretOverlapMs),
      },
      select: endpointSelect,
    });
    await auditAction(tx, actor, {
      action: "webhook.rotate_secret",
      after: { endpointId, previousSecretValidUntil: endpoint.previousSecretExpiresAt },
    });
    return { ...endpoint, secret };
  });
}

/** Deletes an endpoint with its delivery log; events it did not get yet go nowhere. */
export function deleteWebhookEndpoint(
  db: Database,
  actor: Actor,
  endpointId: string,
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const endpoint = await requireEndpoint(tx, endpointId);
    await tx.webhookEndpoint.delete({ where: { id: endpointId } });
    await syncWantedEventTypes(tx);
    await auditAction(tx, actor, {
      action: "webhook.delete",
      before: { endpointId, url: endpoint.url, eventTypes: endpoint.eventTypes },
    });
    return { id: endpointId };
  });
}

/** Every endpoint, newest first (a deployment has a handful), without secrets. */
export function listWebhookEndpoints(db: Database): Promise<WebhookEndpoint[]> {
  return db.webhookEndpoint.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: endpointSelect,
  });
}

export function getWebhookEndpoint(db: Database, endpointId: string): Promise<WebhookEndpoint> {
  return requireEndpoint(db, endpointId);
}
