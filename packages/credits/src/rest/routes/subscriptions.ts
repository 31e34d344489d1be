// /api/subscriptions/{userId}/…: the user's plan, and changing it for another backend.

import { NotFoundError } from "../../errors.ts";
import {
  cancelAsOperator,
  changedByServiceReason,
  moveToTierForBackend,
} from "../../service/billing/operator.ts";
import { getSubscription } from "../../service/billing/plan-changes.ts";
import { subscriptionView } from "../../service/billing/subscription-state.ts";
import { findCustomer, findOrCreateCustomer } from "../../service/customers.ts";
import { defineRoute, recordedBy } from "../route.ts";
import { CancelBody, SubscriptionResponse, UpgradeBody, UserPath } from "../schemas.ts";
import { subscriptionResponse, userIds } from "../serializers.ts";

const userOf = (params: { userId: string }) => params.userId;

export const subscriptionRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/subscriptions/{userId}",
    scope: "read",
    tag: "Subscriptions",
    summary: "The user's plan: the tier that applies now, status and period.",
    params: UserPath,
    response: SubscriptionResponse,
    errors: [404],
    userOf,
    async handle({ db, billing, params }) {
      const userId = await findCustomer(db, params.userId);
      // Not a customer yet: the plan everyone starts on, and nothing created.
      const view = userId
        ? await getSubscription(db, billing, userId)
        : subscriptionView(null, billing);
      return subscriptionResponse(userIds(params.userId, userId), view);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/subscriptions/{userId}/upgrade",
    scope: "write",
    tag: "Subscriptions",
    summary:
      "Changes the tier: through Stripe when it bills the user (a first paid plan answers with a `checkout_url` to send the user to), by hand when payments are not configured.",
    params: UserPath,
    body: UpgradeBody,
    response: SubscriptionResponse,
    errors: [404, 409, 412],
    userOf,
    idempotency: "rest",
    async handle({ db, billing, actor, origin, params, body }) {
      const userId = await findOrCreateCustomer(db, params.userId);
      const { checkoutUrl } = await moveToTierForBackend(db, billing, recordedBy(actor, body), {
        userId,
        tier: body.tier,
        origin,
      });
      return subscriptionResponse(
        userIds(params.userId, userId),
        await getSubscription(db, billing, userId),
        checkoutUrl,
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/subscriptions/{userId}/cancel",
    scope: "write",
    tag: "Subscriptions",
    summary: "Cancels at the end of the period (default) or at once.",
    params: UserPath,
    body: CancelBody,
    response: SubscriptionResponse,
    errors: [404, 409, 412],
    userOf,
    idempotency: "rest",
    async handle({ db, billing, actor, params, body }) {
      const userId = await findCustomer(db, params.userId);
      if (!userId) throw new NotFoundError("user", params.userId);
      const view = await cancelAsOperator(db, billing, recordedBy(actor, body), {
        userId,
        atPeriodEnd: body.at_period_end,
        reason: changedByServiceReason(actor),
      });
      return subscriptionResponse(userIds(params.userId, userId), view);
    },
  }),
];
