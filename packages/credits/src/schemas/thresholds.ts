// Low-balance thresholds: below how many available credits an account counts as low (the
// credits.balance_low event, the web app's banner). Shared by tRPC, REST and the settings forms.
import { z } from "zod";
import { AppIdOrDefault, MAX_CREDITS, Reason, UserId } from "./common.ts";

/** A threshold in credits: 0 turns the alert off. */
export const LowBalanceThreshold = z
  .number({ error: "must be a number of credits" })
  .int({ error: "must be a whole number of credits" })
  .min(0, { error: "must be 0 (no alert) or more" })
  .max(MAX_CREDITS, { error: `must be at most ${MAX_CREDITS.toLocaleString("en-US")}` });

export const ThresholdQuery = z.object({ appId: AppIdOrDefault });
export type ThresholdQuery = z.infer<typeof ThresholdQuery>;

/** `threshold: null` goes back to the deployment's default. */
export const SetThresholdInput = z.object({
  appId: AppIdOrDefault,
  threshold: LowBalanceThreshold.nullable(),
});
export type SetThresholdInput = z.infer<typeof SetThresholdInput>;

/** An operator's change of a user's threshold (the audit log keeps before, after and why). */
export const AdminSetThresholdInput = SetThresholdInput.extend({ userId: UserId, reason: Reason });
export type AdminSetThresholdInput = z.infer<typeof AdminSetThresholdInput>;

/** A user's threshold in an app, for an operator's view. */
export const AdminThresholdQuery = ThresholdQuery.extend({ userId: UserId });
export type AdminThresholdQuery = z.infer<typeof AdminThresholdQuery>;

export const ThresholdStatus = z.object({
  appId: z.string(),
  /** What applies: the account's own threshold, or else the default. 0: no alert. */
  threshold: z.number().int(),
  /** The account's own threshold; null when it follows the default. */
  custom: z.number().int().nullable(),
  /** The deployment's default (CREDITS_LOW_BALANCE_THRESHOLD). */
  defaultThreshold: z.number().int(),
  available: z.number().int(),
  /** Available credits are below the threshold (never with threshold 0). */
  low: z.boolean(),
});
export type ThresholdStatus = z.infer<typeof ThresholdStatus>;
