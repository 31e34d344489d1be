// Auto top-up: "when available credits fall below X, buy pack Y", with a monthly cap. Shared by the
// tRPC procedures, the REST routes, the web app's form and the admin page.
import { z } from "zod";
import { creditPacks, findCreditPack } from "../plans.ts";
import { MAX_CREDITS, UserId } from "./common.ts";

const Credits = (what: string) =>
  z
    .number({ error: `${what} must be a number of credits` })
    .int({ error: `${what} must be a whole number of credits` })
    .min(1, { error: `${what} must be at least 1 credit` })
    .max(MAX_CREDITS, { error: `${what} must be at most ${MAX_CREDITS.toLocaleString("en-US")}` });

/**
 * The settings' fields, one rule each: the tRPC input names them in camelCase, the REST body
 * (rest/auto-topup-schemas.ts) in snake_case, both with these schemas and `checkMonthlyCap`.
 */
export const AutoTopupFields = {
  enabled: z.boolean({ error: "must be true or false" }),
  /** A charge starts when available credits fall below this. */
  belowCredits: Credits("The threshold"),
  packId: z
    .string({ error: "must be a credit pack id" })
    .refine((id) => findCreditPack(id) !== undefined, {
      error: `must be one of ${creditPacks.map((pack) => pack.id).join(", ")}`,
    }),
  /** The most credits auto top-up buys in a calendar month (UTC). */
  monthlyCapCredits: Credits("The monthly cap"),
};

/** The cap must let at least one pack through, or no top-up could ever happen: an issue at `path`. */
export function checkMonthlyCap(
  settings: { packId: string; monthlyCapCredits: number },
  ctx: z.RefinementCtx,
  path: string,
): void {
  const pack = findCreditPack(settings.packId);
  if (pack && settings.monthlyCapCredits < pack.credits) {
    ctx.addIssue({
      code: "custom",
      path: [path],
      message: `The monthly cap must be at least the pack's ${pack.credits.toLocaleString("en-US")} credits, or no top-up could ever happen.`,
    });
  }
}

export const SetAutoTopupInput = z
  .object(AutoTopupFields)
  .superRefine((input, ctx) => checkMonthlyCap(input, ctx, "monthlyCapCredits"));
export type SetAutoTopupInput = z.infer<typeof SetAutoTopupInput>;

export const AutoTopupAttemptStatus = z.enum(["pending", "succeeded", "failed"]);

export const AutoTopupAttemptView = z.object({
  id: z.string(),
  packId: z.string(),
  credits: z.number().int(),
  amountCents: z.number().int(),
  status: AutoTopupAttemptStatus,
  paymentIntentId: z.string().nullable(),
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  createdAt: z.date(),
});
export type AutoTopupAttemptView = z.infer<typeof AutoTopupAttemptView>;

export const AutoTopupView = z.object({
  appId: z.string(),
  enabled: z.boolean(),
  /** null until the user has set it up. */
  belowCredits: z.number().int().nullable(),
  packId: z.string().nullable(),
  monthlyCapCredits: z.number().int().nullable(),
  /** The saved card; null: none saved yet (save one through Checkout in setup mode). */
  card: z.object({ brand: z.string(), last4: z.string() }).nullable(),
  /** Why a failed charge turned it off, for the user to read; null when it was not. */
  disabledReason: z.string().nullable(),
  /** Credits bought (or being bought) by auto top-up this calendar month (UTC). */
  boughtThisMonth: z.number().int(),
  lastAttempt: AutoTopupAttemptView.nullable(),
  paymentsConfigured: z.boolean(),
});
export type AutoTopupView = z.infer<typeof AutoTopupView>;

/** An operator's view of a user's auto top-up: the settings and the latest charges. */
export const AdminAutoTopupInput = z.object({ userId: UserId });
export const AdminAutoTopupView = z.object({
  settings: AutoTopupView,
  attempts: z.array(AutoTopupAttemptView),
});
export type AdminAutoTopupView = z.infer<typeof AdminAutoTopupView>;
