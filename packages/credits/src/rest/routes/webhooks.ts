// /api/webhook-endpoints: where the platform sends events (docs/events.md), managed by backends
// with their service token as operators do in the admin app. Updates are POSTs, as Stripe's are.
// Every route needs the `webhooks` scope, reads too: an endpoint receives every customer's events
// and the log shows receivers' answers, so neither `read` nor `write` is enough (docs/security.md).
import { getWebhookConfig } from "../../service/webhooks/config.ts";
import {
  listWebhookDeliveries,
  resendWebhookDelivery,
  sendWebhookTestEvent,
} from "../../service/webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "../../service/webhooks/endpoints.ts";
import { defineRoute } from "../route.ts";
import { EmptyBody } from "../schemas.ts";
import {
  CreateEndpointBody,
  DeliveriesQuery,
  DeliveryPageResponse,
  DeliveryPath,
  deliveryResponse,
  EndpointListResponse,
  EndpointPath,
  EndpointResponse,
  EndpointWithSecretResponse,
  endpointResponse,
  QueuedResponse,
  UpdateEndpointBody,
} from "../webhook-schemas.ts";

export const webhookRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/webhook-endpoints",
    scope: "webhooks",
    tag: "Webhooks",
    summary: "Every webhook endpoint, newest first (without secrets).",
    params: EmptyBody,
    response: EndpointListResponse,
    errors: [],
    async handle({ db }) {
      return { data: (await listWebhookEndpoints(db)).map(endpointResponse) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/webhook-endpoints",
    scope: "webhooks",
    tag: "Webhooks",
    summary:
      "Creates an endpoint for the event types listed (none: all but credits.spent). The answer holds its signing secret, shown only now.",
    params: EmptyBody,
    body: CreateEndpointBody,
    response: EndpointWithSecretResponse,
    errors: [],
    idempotency: "rest",
    async handle({ db, actor, body }) {
      const endpoint = await createWebhookEndpoint(
        db,
        actor,
        {
          url: body.url,
          description: body.description,
          eventTypes: body.event_types,
          enabled: body.enabled,
        },
        getWebhookConfig(),
      );
      return { ...endpointResponse(endpoint), secret: endpoint.secret };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/webhook-endpoints/{endpointId}",
    scope: "webhooks",
    tag: "Webhooks",
    summary: "One endpoint, with whether it is failing or why it was disabled.",
    params: EndpointPath,
    response: EndpointResponse,
    errors: [404],
    async handle({ db, params }) {
      return endpointResponse(await getWebhookEndpoint(db, params.endpointId));
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/webhook-endpoints/{endpointId}",
    scope: "webhooks",
    tag: "Webhooks",
    summary:
      "Changes the fields given. `enabled: true` turns a disabled endpoint back on and forgets its failures.",
    params: EndpointPath,
    body: UpdateEndpointBody,
    response: EndpointResponse,
    errors: [404],
    idempotency: "rest",
    async handle({ db, actor, params, body }) {
      return endpointResponse(
        await updateWebhookEndpoint(
          db,
          actor,
          {
            endpointId: params.endpointId,
            url: body.url,
            description: body.description,
            eventTypes: body.event_types,
            enabled: body.enabled,
          },
          getWebhookConfig(),
        ),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/webhook-endpoints/{endpointId}/rotate-secret",
    scope: "webhooks",
    tag: "Webhooks",
    summary:
      "Gives the endpoint a new signing secret, shown only now; the previous one keeps signing as a second signature for 24 hours.",
    params: EndpointPath,
    body: EmptyBody,
    response: EndpointWithSecretResponse,
    errors: [404],
    idempotency: "rest",
    async handle({ db, actor, params }) {
      const endpoint = await rotateWebhookSecret(db, actor, params.endpointId);
      return { ...endpointResponse(endpoint), secret: endpoint.secret };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/webhook-endpoints/{endpointId}/deliveries",
    scope: "webhooks",
    tag: "Webhooks",
    summary: "The endpoint's deliveries, newest first, each with its latest attempts.",
    params: EndpointPath,
    query: DeliveriesQuery,
    response: DeliveryPageResponse,
    errors: [],
    async handle({ db, params, query }) {
      const page = await listWebhookDeliveries(db, {
        endpointId: params.endpointId,
        status: query.status,
        cursor: query.cursor,
        limit: query.limit,
      });
      return { data: page.deliveries.map(deliveryResponse), next_cursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/webhook-endpoints/{endpointId}/test",
    scope: "webhooks",
    tag: "Webhooks",
    summary: "Sends a `webhook.test` event to the endpoint; it appears in its deliveries.",
    params: EndpointPath,
    body: EmptyBody,
    response: QueuedResponse,
    errors: [404, 409],
    idempotency: "rest",
    async handle({ db, actor, params }) {
      const delivery = await sendWebhookTestEvent(db, actor, params.endpointId);
      return { id: delivery.id, status: "queued" as const };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/webhook-deliveries/{deliveryId}/resend",
    scope: "webhooks",
    tag: "Webhooks",
    summary:
      "Sends a finished delivery again, with the same webhook-id (receivers that have it can tell).",
    params: DeliveryPath,
    body: EmptyBody,
    response: QueuedResponse,
    errors: [404, 409],
    idempotency: "rest",
    async handle({ db, actor, params }) {
      const delivery = await resendWebhookDelivery(db, actor, params.deliveryId);
      return { id: delivery.id, status: "queued" as const };
    },
  }),
];
