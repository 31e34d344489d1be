// /api/credits/{userId}/auto-topup: a user's auto top-up ("when available credits fall below X, buy
// pack Y" with the card they saved), read and set by another backend as the user does on the
// billing page. POST, not PUT, as for thresholds: the REST layer has GET and POST only.
import { NotFoundError } from "../../errors.ts";
import { getAutoTopup, setAutoTopup } from "../../service/billing/auto-topup/settings.ts";
import { findCustomer } from "../../service/customers.ts";
import { AutoTopupResponse, SetAutoTopupBody } from "../auto-topup-schemas.ts";
import { defineRoute, recordedBy } from "../route.ts";
import { UserPath } from "../schemas.ts";
import { autoTopupResponse, userIds } from "../serializers.ts";

const userOf = (params: { userId: string }) => params.userId;

/** Only a customer can have a card saved, so an unknown user is a 404 here, never created. */
async function customerOf(db: Parameters<typeof findCustomer>[0], ref: string) {
  const userId = await findCustomer(db, ref);
  if (!userId) throw new NotFoundError("user", ref);
  return userId;
}

export const autoTopupRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/credits/{userId}/auto-topup",
    scope: "read",
    tag: "Credits",
    summary:
      "A user's auto top-up: the threshold, pack and monthly cap, the saved card, why it was turned off, this month's purchases and the last charge.",
    params: UserPath,
    response: AutoTopupResponse,
    errors: [404],
    userOf,
    async handle({ db, billing, params }) {
      const userId = await customerOf(db, params.userId);
      return autoTopupResponse(
        userIds(params.userId, userId),
        await getAutoTopup(db, billing, userId),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/auto-topup",
    scope: "write",
    tag: "Credits",
    summary:
      "Sets a user's auto top-up. Turning it on needs payments configured and a card the user saved (409 otherwise); it clears the reason a failed charge turned it off.",
    params: UserPath,
    body: SetAutoTopupBody,
    response: AutoTopupResponse,
    errors: [404, 409],
    userOf,
    async handle({ db, billing, actor, params, body }) {
      const userId = await customerOf(db, params.userId);
      const view = await setAutoTopup(db, billing, recordedBy(actor, body), userId, {
        enabled: body.enabled,
        belowCredits: body.below_credits,
        packId: body.pack_id,
        monthlyCapCredits: body.monthly_cap_credits,
      });
      return autoTopupResponse(userIds(params.userId, userId), view);
    },
  }),
];
