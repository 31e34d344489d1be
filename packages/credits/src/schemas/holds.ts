// Holds: reserving credits, capturing what the work cost, releasing.
import { z } from "zod";
import { AppIdOrDefault, CreditAmount, Description, IdempotencyKey } from "./common.ts";

export const ReserveHoldInput = z.object({
  appId: AppIdOrDefault,
  amount: CreditAmount,
  ttlSeconds: z
    .number({ error: "must be a number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(1, { error: "must be at least 1 second" })
    .max(7 * 24 * 3600, { error: "must be at most 7 days" }),
  description: Description,
  idempotencyKey: IdempotencyKey,
});
export type ReserveHoldInput = z.infer<typeof ReserveHoldInput>;

export const CaptureHoldInput = z.object({
  holdId: z.uuid({ error: "must be a hold id (a UUID)" }),
  amount: CreditAmount,
  idempotencyKey: IdempotencyKey,
});
export type CaptureHoldInput = z.infer<typeof CaptureHoldInput>;

export const ReleaseHoldInput = z.object({
  holdId: z.uuid({ error: "must be a hold id (a UUID)" }),
  idempotencyKey: IdempotencyKey,
});
export type ReleaseHoldInput = z.infer<typeof ReleaseHoldInput>;

export const HoldResult = z.object({
  holdId: z.string(),
  status: z.enum(["ACTIVE", "CAPTURED", "RELEASED", "EXPIRED"]),
  amount: z.number().int(),
  capturedAmount: z.number().int(),
  expiresAt: z.string(),
  available: z.number().int(),
  transactionId: z.string().nullable(),
});
export type HoldResult = z.infer<typeof HoldResult>;

/** A hold still reserving credits, as an operator sees it on the user's page. */
export const ActiveHold = z.object({
  id: z.string(),
  appId: z.string(),
  amount: z.number().int(),
  description: z.string(),
  expiresAt: z.date(),
  createdAt: z.date(),
});
