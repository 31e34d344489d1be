// Webhook endpoints and their delivery log: what operators (tRPC) and service tokens (REST) send
// and get back. The URL rules that depend on the deployment (private addresses) are checked by
// the endpoint service, which knows WEBHOOK_ALLOW_PRIVATE_URLS.
import { z } from "zod";
import { eventTypes } from "../service/events/catalogue.ts";
import { NextCursor, pageLimit, SafeText, SortOrder } from "./common.ts";

export const WebhookUrl = z
  .string({ error: "must be a URL" })
  .trim()
  .max(2048, { error: "must be at most 2048 characters" })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    },
    { error: "must be an http:// or https:// URL", abort: true },
  )
  .refine(
    (value) => {
      const url = new URL(value);
      return url.username === "" && url.password === "";
    },
    { error: "must not contain a user name or password (the signature authenticates the sender)" },
  );

export const WebhookEventType = z.enum(eventTypes, {
  error: `must be one of ${eventTypes.join(", ")}`,
});

/** The types an endpoint receives; empty: every type except the opt-in ones (credits.spent). */
export const WebhookEventTypes = z
  .array(WebhookEventType, { error: "must be a list of event types" })
  .max(eventTypes.length)
  .transform((types) => [...new Set(types)].sort());

export const EndpointDescription = SafeText.trim().max(500, {
  error: "must be at most 500 characters",
});

export const EndpointEnabled = z.boolean({ error: "must be true or false" });

export const CreateWebhookEndpointInput = z.object({
  url: WebhookUrl,
  description: EndpointDescription.default(""),
  eventTypes: WebhookEventTypes.default([]),
  enabled: EndpointEnabled.default(true),
});
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointInput>;

export const WebhookEndpointId = z.uuid({ error: "must be a webhook endpoint id" });

export const WebhookEndpointRef = z.object({ endpointId: WebhookEndpointId });

/** Only the fields given change; enabling an endpoint forgets its failures. */
export const UpdateWebhookEndpointInput = z.object({
  endpointId: WebhookEndpointId,
  url: WebhookUrl.optional(),
  description: EndpointDescription.optional(),
  eventTypes: WebhookEventTypes.optional(),
  enabled: EndpointEnabled.optional(),
});
export type UpdateWebhookEndpointInput = z.infer<typeof UpdateWebhookEndpointInput>;

export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  /** Since when every attempt failed; null when the last one succeeded. */
  failingSince: z.date().nullable(),
  disabledAt: z.date().nullable(),
  disabledReason: z.string().nullable(),
  /** Until when the previous secret still signs too, after a rotation. */
  previousSecretExpiresAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** An endpoint with its signing secret: answered once, at creation or rotation. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({ secret: z.string() });

export const DeliveryStatus = z.enum(["queued", "pending", "succeeded", "failed", "canceled"]);

export const WebhookAttempt = z.object({
  id: z.string(),
  attemptedAt: z.date(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  responseExcerpt: z.string(),
  error: z.string().nullable(),
});

export const WebhookDelivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  /** null: a test event. */
  eventId: z.string().nullable(),
  eventType: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastAttemptAt: z.date().nullable(),
  createdAt: z.date(),
  /** The latest attempts, newest first. */
  recentAttempts: z.array(WebhookAttempt),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryListInput = z.object({
  endpointId: WebhookEndpointId,
  status: DeliveryStatus.optional(),
  /** Newest first unless "asc". */
  order: SortOrder.optional(),
  cursor: z.uuid({ error: "must be a cursor from a previous page" }).nullish(),
  limit: pageLimit(25),
});
export type WebhookDeliveryListInput = z.infer<typeof WebhookDeliveryListInput>;

export const WebhookDeliveryPage = z.object({
  deliveries: z.array(WebhookDelivery),
  nextCursor: NextCursor,
});

export const WebhookDeliveryRef = z.object({
  deliveryId: z.uuid({ error: "must be a webhook delivery id" }),
});
