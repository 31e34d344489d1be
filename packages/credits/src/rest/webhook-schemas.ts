// The REST API's webhook endpoint bodies and answers, in its snake_case; the field rules are the
// tRPC procedures' (schemas/webhooks.ts), so both validate alike.
import { z } from "zod";
import type { WebhookDelivery, WebhookEndpoint } from "../schemas/webhooks.ts";
import {
  DeliveryStatus,
  EndpointDescription,
  EndpointEnabled,
  WebhookEndpointId,
  WebhookEventTypes,
  WebhookUrl,
} from "../schemas/webhooks.ts";
import { iso } from "./serializers.ts";

export const EndpointPath = z.object({ endpointId: WebhookEndpointId });
export const DeliveryPath = z.object({
  deliveryId: z.uuid({ error: "must be a webhook delivery id" }),
});

export const CreateEndpointBody = z.strictObject({
  url: WebhookUrl,
  description: EndpointDescription.default(""),
  event_types: WebhookEventTypes.default([]),
  enabled: EndpointEnabled.default(true),
});

export const UpdateEndpointBody = z.strictObject({
  url: WebhookUrl.optional(),
  description: EndpointDescription.optional(),
  event_types: WebhookEventTypes.optional(),
  enabled: EndpointEnabled.optional(),
});

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(100, { error: "must be at most 100" })
    .default(25),
  cursor: z.uuid({ error: "must be the next_cursor of a previous page" }).optional(),
  status: DeliveryStatus.optional(),
});

const Timestamp = z.string().nullable();

export const EndpointResponse = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  event_types: z.array(z.string()).describe("empty: every event type except credits.spent"),
  enabled: z.boolean(),
  failing_since: Timestamp,
  disabled_at: Timestamp,
  disabled_reason: z.string().nullable(),
  previous_secret_expires_at: Timestamp,
  created_at: z.string(),
  updated_at: z.string(),
});

export const EndpointWithSecretResponse = EndpointResponse.extend({
  secret: z.string().describe("the signing secret (Standard Webhooks whsec_…): shown only now"),
});

export const EndpointListResponse = z.object({ data: z.array(EndpointResponse) });

export const DeliveryResponse = z.object({
  id: z.string(),
  event_id: z.string().nullable(),
  event_type: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  last_attempt_at: Timestamp,
  created_at: z.string(),
  recent_attempts: z.array(
    z.object({
      attempted_at: z.string(),
      status_code: z.number().int().nullable(),
      duration_ms: z.number().int(),
      response_excerpt: z.string(),
      error: z.string().nullable(),
    }),
  ),
});

export const DeliveryPageResponse = z.object({
  data: z.array(DeliveryResponse),
  next_cursor: z.string().nullable(),
});

export const QueuedResponse = z.object({ id: z.string(), status: z.literal("queued") });

export const endpointResponse = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  event_types: endpoint.eventTypes,
  enabled: endpoint.enabled,
  failing_since: iso(endpoint.failingSince),
  disabled_at: iso(endpoint.disabledAt),
  disabled_reason: endpoint.disabledReason,
  previous_secret_expires_at: iso(endpoint.previousSecretExpiresAt),
  created_at: endpoint.createdAt.toISOString(),
  updated_at: endpoint.updatedAt.toISOString(),
});

export const deliveryResponse = (delivery: WebhookDelivery) => ({
  id: delivery.id,
  event_id: delivery.eventId,
  event_type: delivery.eventType,
  status: delivery.status,
  attempts: delivery.attempts,
  last_attempt_at: iso(delivery.lastAttemptAt),
  created_at: delivery.createdAt.toISOString(),
  recent_attempts: delivery.recentAttempts.map((attempt) => ({
    attempted_at: attempt.attemptedAt.toISOString(),
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    response_excerpt: attempt.responseExcerpt,
    error: attempt.error,
  })),
});
