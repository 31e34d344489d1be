// The REST bodies of /api/credits/{userId}/threshold, beside rest/schemas.ts (which they build on)
// so that neither file grows past what one reads at once.
import { z } from "zod";
import { AppIdOrDefault } from "../schemas/common.ts";
import { LowBalanceThreshold } from "../schemas/thresholds.ts";
import { CreatedBy, UserIds } from "./schemas.ts";

export const ThresholdQuery = z.strictObject({ app_id: AppIdOrDefault });

export const SetThresholdBody = z.strictObject({
  // A threshold change makes no ledger entry: the audit log's row keeps the token and this.
  ...CreatedBy,
  app_id: AppIdOrDefault,
  /** Alert below this many available credits; 0 turns the alert off; null follows the default. */
  threshold: LowBalanceThreshold.nullable(),
});

export const ThresholdResponse = z.object({
  ...UserIds,
  app_id: z.string(),
  /** What applies: the account's own threshold, or else the default. 0: no alert. */
  threshold: z.number().int(),
  /** The account's own threshold; null when it follows the default. */
  custom: z.number().int().nullable(),
  /** The deployment's default (CREDITS_LOW_BALANCE_THRESHOLD). */
  default_threshold: z.number().int(),
  available: z.number().int(),
  /** Available credits are below the threshold (never with threshold 0). */
  low: z.boolean(),
});
