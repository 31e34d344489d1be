// Plans and paying for them: the catalog, tiers, Checkout and plan changes, operators' subscription
// tools, the billing figures they watch and the Stripe events they inspect.
import { z } from "zod";
import {
  type CreditPack,
  creditPacks,
  findCreditPack,
  type Plan,
  type QuotaFeature,
  tiers,
} from "../plans.ts";
import { NextCursor, pageLimit, Reason, SafeText, SortOrder, UserId } from "./common.ts";

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
  /**
   * Opt-in: the card paying for the pack is saved for later off-session charges, and becomes the
   * auto top-up card if none is saved yet. Only with the user's consent, which Stripe requires
   * for charging a card while its holder is away.
   */
  saveCard: z.boolean({ error: "must be true or false" }).optional(),
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
  /** Newest first unless "asc". */
  order: SortOrder.optional(),
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

/** null: unlimited. */
const QuotaLimit = z.number().int().nullable();

/** A tier as the pricing page shows it; `satisfies` keeps it in step with plans.ts, the catalog. */
const PlanOffer = z.object({
  tier: TierName,
  name: z.string(),
  description: z.string(),
  monthlyPriceCents: z.number().int(),
  monthlyCredits: z.number().int(),
  rolloverCap: z.number().int(),
  quotas: z.object({
    reports: QuotaLimit,
    api_calls: QuotaLimit,
    exports: QuotaLimit,
  } satisfies Record<QuotaFeature, typeof QuotaLimit>),
}) satisfies z.ZodType<Plan>;

export const PlanCatalog = z.array(PlanOffer);

const CreditPackOffer = z.object({
  id: z.string(),
  name: z.string(),
  credits: z.number().int(),
  priceCents: z.number().int(),
}) satisfies z.ZodType<CreditPack>;

/** Read-only, as plans.ts's list of packs is. */
export const CreditPackCatalog = z.array(CreditPackOffer).readonly();

/** Everyone on a paid tier, a page at a time. */
export const TierMembersPage = z.object({
  emails: z.array(z.string()),
  /** Of the whole tier, not of this page. */
  total: z.number().int(),
  nextCursor: NextCursor,
});

/** A Stripe payment refunded or disputed after its credits were spent: what could not be taken back. */
export const PaymentShortfall = z.object({
  paymentId: z.string(),
  userId: z.string(),
  email: z.string(),
  credits: z.number().int(),
  updatedAt: z.date(),
});

/** A live Stripe subscription besides the one the user's tier comes from: Stripe bills both. */
export const SecondSubscription = z.object({
  userId: z.string(),
  email: z.string(),
  stripeSubscriptionId: z.string(),
  /** Stripe's status, as its latest event gave it. */
  status: z.enum(["active", "trialing", "past_due", "unpaid"]),
  /** null when the tier in use is an operator's comp, which has no Stripe subscription. */
  inUse: z.string().nullable(),
  seenAt: z.date(),
});

export const BillingOverview = z.object({
  /** Live subscriptions (active, trialing or past due) of each tier. */
  subscriptionsByTier: z.record(TierName, z.number().int()),
  pastDue: z.number().int(),
  failedStripeEvents: z.number().int(),
  shortfalls: z.array(PaymentShortfall),
  secondSubscriptions: z.array(SecondSubscription),
});

export const StripeEventSummary = z.object({
  id: z.string(),
  type: z.string(),
  status: StripeEventStatusName,
  /** Why processing failed or the event was ignored, in words for an operator. */
  error: z.string().nullable(),
  attempts: z.number().int(),
  userId: z.string().nullable(),
  userEmail: z.string().nullable(),
  eventCreatedAt: z.date(),
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
});

export const StripeEventPage = z.object({
  events: z.array(StripeEventSummary),
  nextCursor: NextCursor,
});

export const StripeEventDetail = StripeEventSummary.extend({
  /** The event as Stripe sent it, as indented JSON. */
  payload: z.string(),
});

export const StripeEventRetryOutcome = z.object({
  status: StripeEventStatusName,
  /** true when a delivery of the event applied it before this retry could. */
  duplicate: z.boolean(),
  /** Why it failed again or was ignored. */
  note: z.string().optional(),
});
export type StripeEventRetryOutcome = z.infer<typeof StripeEventRetryOutcome>;
