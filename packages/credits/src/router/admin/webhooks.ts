import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryListInput,
  WebhookDeliveryPage,
  WebhookDeliveryRef,
  WebhookEndpoint,
  WebhookEndpointRef,
  WebhookEndpointWithSecret,
} from "../../schemas/webhooks.ts";
import { getWebhookConfig } from "../../service/webhooks/config.ts";
import {
  listWebhookDeliveries,
  resendWebhookDelivery,
  sendWebhookTestEvent,
} from "../../service/webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "../../service/webhooks/endpoints.ts";
import { adminProcedure } from "../../trpc.ts";

const DeliveryOrEndpointId = z.object({ id: z.string() });

/** Webhook endpoints and their delivery log; secrets are answered only at creation and rotation. */
export const adminWebhooksRouter = {
  list: adminProcedure
    .output(z.array(WebhookEndpoint))
    .query(({ ctx }) => listWebhookEndpoints(ctx.db)),
  get: adminProcedure
    .input(WebhookEndpointRef)
    .output(WebhookEndpoint)
    .query(({ ctx, input }) => getWebhookEndpoint(ctx.db, input.endpointId)),
  create: adminProcedure
    .input(CreateWebhookEndpointInput)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) =>
      createWebhookEndpoint(ctx.db, ctx.actor, input, getWebhookConfig()),
    ),
  update: adminProcedure
    .input(UpdateWebhookEndpointInput)
    .output(WebhookEndpoint)
    .mutation(({ ctx, input }) =>
      updateWebhookEndpoint(ctx.db, ctx.actor, input, getWebhookConfig()),
    ),
  rotateSecret: adminProcedure
    .input(WebhookEndpointRef)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, ctx.actor, input.endpointId)),
  delete: adminProcedure
    .input(WebhookEndpointRef)
    .output(DeliveryOrEndpointId)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.db, ctx.actor, input.endpointId)),
  deliveries: adminProcedure
    .input(WebhookDeliveryListInput)
    .output(WebhookDeliveryPage)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.db, input)),
  resend: adminProcedure
    .input(WebhookDeliveryRef)
    .output(DeliveryOrEndpointId)
    .mutation(({ ctx, input }) => resendWebhookDelivery(ctx.db, ctx.actor, input.deliveryId)),
  sendTest: adminProcedure
    .input(WebhookEndpointRef)
    .output(DeliveryOrEndpointId)
    .mutation(({ ctx, input }) => sendWebhookTestEvent(ctx.db, ctx.actor, input.endpointId)),
} satisfies TRPCRouterRecord;
