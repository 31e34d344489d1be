// The REST bodies of /api/credits/{userId}/auto-topup: the tRPC procedure's field rules
// (schemas/auto-topup.ts) under the REST API's snake_case names, beside rest/schemas.ts.
import { z } from "zod";
import { AutoTopupAttemptStatus, AutoTopupFields, checkMonthlyCap } from "../schemas/auto-topup.ts";
import { CreatedBy, UserIds } from "./schemas.ts";

export const SetAutoTopupBody = z
  .strictObject({
    // A settings change makes no ledger entry: the audit log's row keeps the token and this.
    ...CreatedBy,
    enabled: AutoTopupFields.enabled,
    below_credits: AutoTopupFields.belowCredits,
    pack_id: AutoTopupFields.packId,
    monthly_cap_credits: AutoTopupFields.monthlyCapCredits,
  })
  .superRefine((body, ctx) =>
    checkMonthlyCap(
      { packId: body.pack_id, monthlyCapCredits: body.monthly_cap_credits },
      ctx,
      "monthly_cap_credits",
    ),
  );

const AttemptResponse = z.object({
  id: z.string(),
  pack_id: z.string(),
  credits: z.number().int(),
  amount_cents: z.number().int(),
  status: AutoTopupAttemptStatus,
  payment_intent_id: z.string().nullable(),
  failure_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  created_at: z.string(),
});

export const AutoTopupResponse = z.object({
  ...UserIds,
  /** The app auto top-up buys credits in (the one billing credits). */
  app_id: z.string(),
  enabled: z.boolean(),
  /** null until set up. */
  below_credits: z.number().int().nullable(),
  pack_id: z.string().nullable(),
  monthly_cap_credits: z.number().int().nullable(),
  /** The card it charges, saved by the user through Stripe; null: none (it cannot be turned on). */
  card: z.object({ brand: z.string(), last4: z.string() }).nullable(),
  /** Why a failed charge turned it off, in words for the user; null when it was not. */
  disabled_reason: z.string().nullable(),
  /** Credits bought (or being bought) by auto top-up this calendar month (UTC). */
  bought_this_month: z.number().int(),
  last_attempt: AttemptResponse.nullable(),
  payments_configured: z.boolean(),
});
