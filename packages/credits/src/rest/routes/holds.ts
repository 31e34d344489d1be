// Holds: reserve credits before work of unknown cost, then capture what it cost or release.
import { customerToDebit } from "../../service/customers.ts";
import { captureHold, releaseHold, reserveHold } from "../../service/holds.ts";
import { defineRoute, recordedBy } from "../route.ts";
import {
  CaptureBody,
  CreatedByBody,
  HoldBody,
  HoldPath,
  HoldResponse,
  UserPath,
} from "../schemas.ts";
import { holdResponse } from "../serializers.ts";

export const holdRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/holds",
    scope: "write",
    tag: "Holds",
    summary: "Reserves credits for `ttl_seconds`; capture what the work cost, or release.",
    params: UserPath,
    body: HoldBody,
    response: HoldResponse,
    errors: [402, 404, 409],
    userOf: (params) => params.userId,
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return holdResponse(
        await reserveHold(
          db,
          recordedBy(actor, body),
          await customerToDebit(db, params.userId, body.amount),
          {
            appId: body.app_id,
            amount: body.amount,
            ttlSeconds: body.ttl_seconds,
            description: body.description,
            idempotencyKey,
          },
        ),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/holds/{holdId}/capture",
    scope: "write",
    tag: "Holds",
    summary: "Captures `amount` (at most what was reserved) of an active hold.",
    params: HoldPath,
    body: CaptureBody,
    response: HoldResponse,
    errors: [402, 404, 409],
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return holdResponse(
        await captureHold(db, recordedBy(actor, body), {
          holdId: params.holdId,
          amount: body.amount,
          idempotencyKey,
        }),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/holds/{holdId}/release",
    scope: "write",
    tag: "Holds",
    summary: "Releases an active hold (an expired one answers with its state).",
    params: HoldPath,
    body: CreatedByBody,
    response: HoldResponse,
    errors: [404, 409],
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return holdResponse(
        await releaseHold(db, recordedBy(actor, body), { holdId: params.holdId, idempotencyKey }),
      );
    },
  }),
];
