// Plan features: quotas, recording use, and asking before using.

import { NotFoundError } from "../../errors.ts";
import { getSubscription } from "../../service/billing/plan-changes.ts";
import { findCustomer, findOrCreateCustomer } from "../../service/customers.ts";
import type { Queryable } from "../../service/types.ts";
import { checkUsage, listQuotas, trackUsage } from "../../service/usage.ts";
import { defineRoute, recordedBy } from "../route.ts";
import {
  QuotasResponse,
  TrackUsageBody,
  UsageCheckQuery,
  UsageCheckResponse,
  UsageTrackResponse,
  UserPath,
} from "../schemas.ts";
import { quotaFields } from "../serializers.ts";

/** A user whose plan usage is read: one that is no customer yet has none to read (404). */
async function existingCustomer(db: Queryable, ref: string): Promise<string> {
  const userId = await findCustomer(db, ref);
  if (!userId) throw new NotFoundError("user", ref);
  return userId;
}

const userOf = (params: { userId: string }) => params.userId;

export const usageRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/subscriptions/{userId}/quotas",
    scope: "read",
    tag: "Usage",
    summary: "Used, limit and reset time of every feature in the current period.",
    params: UserPath,
    response: QuotasResponse,
    errors: [404],
    userOf,
    async handle({ db, billing, params }) {
      const userId = await existingCustomer(db, params.userId);
      const view = await getSubscription(db, billing, userId);
      const quotas = await listQuotas(db, billing, userId);
      return {
        user_id: params.userId,
        platform_user_id: userId,
        tier: view.tier,
        quotas: quotas.map(quotaFields),
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/usage/{userId}/track",
    scope: "write",
    tag: "Usage",
    summary:
      "Records use of a feature; 429 beyond the quota (nothing recorded), 402 when a metered feature's credits do not suffice.",
    params: UserPath,
    body: TrackUsageBody,
    response: UsageTrackResponse,
    errors: [402, 404, 409],
    userOf,
    idempotency: "service",
    async handle({ db, billing, actor, params, body, idempotencyKey }) {
      const userId = await findOrCreateCustomer(db, params.userId);
      const result = await trackUsage(db, billing, recordedBy(actor, body), userId, {
        feature: body.feature,
        quantity: body.quantity,
        idempotencyKey,
      });
      return { success: true, ...quotaFields(result), credits_charged: result.creditsCharged };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/usage/{userId}/check",
    scope: "read",
    tag: "Usage",
    summary: "Whether `quantity` more of a feature is allowed now, without recording it.",
    params: UserPath,
    query: UsageCheckQuery,
    response: UsageCheckResponse,
    errors: [404],
    userOf,
    async handle({ db, billing, params, query }) {
      const userId = await existingCustomer(db, params.userId);
      const result = await checkUsage(db, billing, userId, query);
      return { allowed: result.allowed, ...quotaFields(result) };
    },
  }),
];
