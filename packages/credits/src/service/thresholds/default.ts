// The deployment's default low-balance threshold, read once from the environment. Accounts keep
// their own in credit_accounts.low_balance_threshold (NULL: this default); the spend functions get
// the default as an argument, so knowing it costs a spend no read.
import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";
import { LowBalanceThreshold } from "../../schemas/thresholds.ts";

export const lowBalanceEnvSchema = z.object({
  /**
   * The low-balance threshold of accounts that set none: below this many available credits an
   * account is low (credits.balance_low, the web app's banner). 0 turns the default alert off.
   */
  CREDITS_LOW_BALANCE_THRESHOLD: z.coerce
    .number({ error: "must be a number of credits" })
    .pipe(LowBalanceThreshold)
    .default(0),
});

let processDefault: number | undefined;

/** The deployment's default threshold (CREDITS_LOW_BALANCE_THRESHOLD, read on first use). */
export function defaultLowBalanceThreshold(): number {
  processDefault ??= parseEnvironment(
    lowBalanceEnvSchema,
    "low-balance alerts",
    process.env,
  ).CREDITS_LOW_BALANCE_THRESHOLD;
  return processDefault;
}

/** Replaces the process's default (tests; a process reads the variable once otherwise). */
export function setDefaultLowBalanceThreshold(threshold: number): void {
  processDefault = LowBalanceThreshold.parse(threshold);
}

/** The threshold that applies to an account: its own, or else the default. */
export function effectiveThreshold(own: number | null): number {
  return own ?? defaultLowBalanceThreshold();
}
