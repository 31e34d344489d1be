// Plan features: quotas, recording use, and asking before using.
import { getSubscription } from "../../service/billing/plan-changes.ts";
import { checkUsage, listQuotas, trackUsage } from "../../service/usage.ts";
import { assertUserExists } from "../../service/users.ts";
import { defineRoute } from "../route.ts";
import {
  QuotasResponse,
  TrackUsageBody,
  UsageCheckQuery,
  UsageCheckResponse,
  UsageTrackResponse,
  UserPath,
} from "../schemas.ts";
import { quotaFields } from "../serializers.ts";

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
      await assertUserExists(db, params.userId);
      const view = await getSubscription(db, billing, params.userId);
      const quotas = await listQuotas(db, billing, params.userId);
      return { user_id: params.userId, tier: view.tier, quotas: quotas.map(quotaFields) };
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
      const result = await trackUsage(db, billing, actor, params.userId, {
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
      await assertUserExists(db, params.userId);
      const result = await checkUsage(db, billing, params.userId, query);
      return { allowed: result.allowed, ...quotaFields(result) };
    },
  }),
];
