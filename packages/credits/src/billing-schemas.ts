import { z } from "zod";
import { creditPacks, featureNames, findCreditPack, tiers } from "./plans.ts";
import { IdempotencyKey, pageLimit, Reason, UserId } from "./schemas.ts";

/**
 * Zod schemas of subscriptions, usage and billing: inputs and outputs of their procedures, shared
 * with the REST layer and the billing pages.
 */

export const TierName = z.enum(tiers, { error: "must be FREE, PRO or PREMIUM" });
export const PaidTierName = z.enum(["PRO", "PREMIUM"], { error: "must be PRO or PREMIUM" });

export const FeatureName = z.enum(featureNames, {
  error: `must be one of ${featureNames.join(", ")}`,
});

const UsageQuantity = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be greater than zero" })
  .max(1_000_000, { error: "must be at most 1,000,000 per call" });

// ─── Inputs ──────────────────────────────────────────────────────────────────────────────────

export const CheckoutInput = z.object({ tier: PaidTierName });
export const ChangePlanInput = z.object({ tier: TierName });

export const BuyCreditsInput = z.object({
  packId: z
    .string({ error: "must be a credit pack id" })
    .refine((id) => findCreditPack(id) !== undefined, {
      error: `must be one of ${creditPacks.map((pack) => pack.id).join(", ")}`,
    }),
});

export const UsageTrackInput = z.object({
  feature: FeatureName,
  quantity: UsageQuantity.default(1),
  idempotencyKey: IdempotencyKey,
});
export type UsageTrackInput = z.infer<typeof UsageTrackInput>;

export const UsageCheckInput = z.object({
  feature: FeatureName,
  quantity: UsageQuantity.default(1),
});
export type UsageCheckInput = z.infer<typeof UsageCheckInput>;

export const UsageByDayInput = z.object({
  days: z.union([z.literal(7), z.literal(30), z.literal(90)]).default(30),
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
  type: z.string().trim().max(100).optional(),
  /** `<received at, in ms>:<event id>`; the time's 15 digits at most stay a valid date. */
  cursor: z
    .string()
    .max(300)
    .regex(/^\d{1,15}:[\w-]+$/, { error: "must be a cursor from a previous page" })
    .nullish(),
  limit: pageLimit(50),
});

export const StripeEventIdInput = z.object({
  eventId: z
    .string()
    .regex(/^evt_[A-Za-z0-9_]{1,250}$/, { error: "must be a Stripe event id (evt_…)" }),
});

// ─── Outputs ─────────────────────────────────────────────────────────────────────────────────

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

export const QuotaStatus = z.object({
  feature: FeatureName,
  label: z.string(),
  unit: z.string(),
  kind: z.enum(["quota", "metered"]),
  used: z.number(),
  /** null: unlimited (or metered, paid in credits). */
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  // Coerced: a replayed (idempotent) result comes back from its stored JSON as a string.
  resetsAt: z.coerce.date(),
  creditsPerUnit: z.number().nullable(),
});
export type QuotaStatus = z.infer<typeof QuotaStatus>;

export const UsageCheckResult = QuotaStatus.extend({ allowed: z.boolean() });
export type UsageCheckResult = z.infer<typeof UsageCheckResult>;

export const UsageTrackResult = QuotaStatus.extend({
  /** Credits taken for a metered feature (0 for quotas). */
  creditsCharged: z.number(),
});
export type UsageTrackResult = z.infer<typeof UsageTrackResult>;

// ─── Service tokens ──────────────────────────────────────────────────────────────────────────

export const CreateServiceTokenInput = z.object({
  name: z
    .string({ error: "must be text" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" }),
  scopes: z
    .array(z.enum(["read", "write"], { error: "must be read or write" }))
    .min(1, { error: "must include read, write or both" })
    .max(2),
});

export const ServiceTokenIdInput = z.object({
  tokenId: z.uuid({ error: "must be a token id (a UUID)" }),
});
