// /api/credits/{userId}/threshold: the low-balance alert of a user in an app (credits.balance_low).
// POST, not PUT: the REST layer has GET and POST only, and setting the same value twice is harmless.
import { findCustomer, findOrCreateCustomer } from "../../service/customers.ts";
import {
  defaultThresholdStatus,
  getLowBalanceThreshold,
  setLowBalanceThreshold,
} from "../../service/thresholds/settings.ts";
import { defineRoute, recordedBy } from "../route.ts";
import { UserPath } from "../schemas.ts";
import { thresholdResponse, userIds } from "../serializers.ts";
import { SetThresholdBody, ThresholdQuery, ThresholdResponse } from "../threshold-schemas.ts";

const userOf = (params: { userId: string }) => params.userId;

export const thresholdRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/credits/{userId}/threshold",
    scope: "read",
    tag: "Credits",
    summary:
      "A user's low-balance threshold in an app, the default, and whether available credits are below it.",
    params: UserPath,
    query: ThresholdQuery,
    response: ThresholdResponse,
    errors: [],
    userOf,
    async handle({ db, params, query }) {
      // An unknown user is answered as a new account would be, and nothing is created.
      const userId = await findCustomer(db, params.userId);
      const status = userId
        ? await getLowBalanceThreshold(db, userId, query.app_id)
        : defaultThresholdStatus(query.app_id);
      return thresholdResponse(userIds(params.userId, userId), status);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/threshold",
    scope: "write",
    tag: "Credits",
    summary:
      "Sets a user's low-balance threshold in an app (`threshold: null` follows the default again; 0 turns the alert off).",
    params: UserPath,
    body: SetThresholdBody,
    response: ThresholdResponse,
    errors: [404],
    userOf,
    async handle({ db, actor, params, body }) {
      const userId = await findOrCreateCustomer(db, params.userId);
      const status = await setLowBalanceThreshold(db, recordedBy(actor, body), userId, {
        appId: body.app_id,
        threshold: body.threshold,
      });
      return thresholdResponse(userIds(params.userId, userId), status);
    },
  }),
];
