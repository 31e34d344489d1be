// Plans and paying for them: tiers, Checkout and plan changes, operators' subscription tools and
// the Stripe events they inspect.
import { z } from "zod";
import { creditPacks, findCreditPack, tiers } from "../plans.ts";
import { pageLimit, Reason, SafeText, UserId } from "./common.ts";

export const TierName = z.enum(tiers, { error: "must be FREE, PRO or PREMIUM" });
export const PaidTierName = z.enum(["PRO", "PREMIUM"], { error: "must be PRO or PREMIUM" });

export const CheckoutInput = z.object({ tier: PaidTierName });
export const ChangePlanInput = z.object({ tier: TierName });

export const BuyCreditsInput = z.object({
  packId: z
    .string({ error: "must be a credit pack id" })
    .refine((id) => findCreditPack(id) !== undefined, {
      error: `must be one of ${creditPacks.map((pack) => pack.id).join(", ")}`,
    }),
});

export const AdminSetTierInput = z.object({
  userId: UserId,
  tier: TierName,
  reason: Reason,
});
export type AdminSetTierInput = z.infer<typeof AdminSetTierInput>;

export const AdminCancelInput = z.object({
  userId: UserId,
  /** false cancels at once; true at the end of the current period. */
  atPeriodEnd: z.boolean({ error: "must be true or false" }),
  reason: Reason,
});
export type AdminCancelInput = z.infer<typeof AdminCancelInput>;

export const AdminResumeInput = z.object({ userId: UserId, reason: Reason });

export const StripeEventStatusName = z.enum(["PROCESSED", "IGNORED", "FAILED"]);

export const StripeEventsListInput = z.object({
  status: StripeEventStatusName.optional(),
  type: SafeText.trim().max(100).optional(),
  /** `<received at, in ms>:<event id>`; the time's 15 digits at most stay a valid date. */
  cursor: z
    .string()
    .max(300)
    .regex(/^\d{1,15}:[\w-]+$/, { error: "must be a cursor from a previous page" })
    .nullish(),
  limit: pageLimit(50),
});

/** The id of a Stripe event, as the webhook accepts it and operators look it up. */
export const StripeEventId = z
  .string({ error: "must be a Stripe event id (evt_…)" })
  .regex(/^evt_[A-Za-z0-9_]{1,250}$/, { error: "must be a Stripe event id (evt_…)" });

export const StripeEventIdInput = z.object({ eventId: StripeEventId });

export const SubscriptionStatusName = z.enum([
  "ACTIVE",
  "TRIALING",
  "PAST_DUE",
  "CANCELED",
  "INCOMPLETE",
]);

export const SubscriptionView = z.object({
  /** The tier whose limits apply now (FREE after cancellation or a lapsed grace period). */
  tier: TierName,
  /** The tier of the subscription row, if any, even when it does not apply now. */
  subscribedTier: TierName.nullable(),
  status: SubscriptionStatusName.nullable(),
  currentPeriodStart: z.date().nullable(),
  currentPeriodEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  pendingTier: TierName.nullable(),
  /** While PAST_DUE: when the tier falls back to FREE unless a payment succeeds. */
  graceEndsAt: z.date().nullable(),
  /** Who keeps it: Stripe billing, an operator (a comp), or nobody (FREE). */
  managedBy: z.enum(["stripe", "operator", "none"]),
  paymentsConfigured: z.boolean(),
});
export type SubscriptionView = z.infer<typeof SubscriptionView>;

export const RedirectResult = z.object({ url: z.url() });
