// The REST API's request and response bodies, in the original design's snake_case. Field rules are
// the same zod schemas the tRPC procedures use (amounts, ids, descriptions), so both validate alike;
// the OpenAPI document is generated from these.
import { z } from "zod";
import { TierName } from "../schemas/billing.ts";
import {
  AppId,
  AppIdOrDefault,
  bigintCursor,
  CreditAmount,
  CustomerRef,
  Description,
  SafeText,
  TransactionType,
} from "../schemas/common.ts";
import { FeatureName } from "../schemas/usage.ts";

const Timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

// ─── Path and query ──────────────────────────────────────────────────────────────────────────

export const UserPath = z.object({ userId: CustomerRef });
export const HoldPath = z.object({ holdId: z.uuid({ error: "must be a hold id (a UUID)" }) });

const Limit = z.coerce
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(100, { error: "must be at most 100" })
  .default(50);

export const BalanceQuery = z.strictObject({ app_id: AppId.optional() });

export const HistoryQuery = z.strictObject({
  limit: Limit,
  cursor: bigintCursor("must be the next_cursor of a previous page").optional(),
  app_id: AppId.optional(),
  type: TransactionType.optional(),
});

export const PurchasesQuery = z.strictObject({
  limit: Limit,
  cursor: z.uuid({ error: "must be the next_cursor of a previous page" }).optional(),
  app_id: AppId.optional(),
});

export const UsageCheckQuery = z.strictObject({
  feature: FeatureName,
  quantity: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(1_000_000, { error: "must be at most 1,000,000 per call" })
    .default(1),
});

// ─── Bodies ──────────────────────────────────────────────────────────────────────────────────

/**
 * Who recorded the change, in your words (your id for the person or system): kept on the entry or
 * purchase, or on the audit log's row of a change that makes none (plans, customers, thresholds,
 * sign-in links).
 */
export const CreatedBy = {
  created_by: CustomerRef.optional(),
};

export const AddCreditsBody = z.strictObject({
  ...CreatedBy,
  amount: CreditAmount,
  description: Description,
  app_id: AppIdOrDefault,
  expires_at: Timestamp.refine((value) => new Date(value).getTime() > Date.now(), {
    error: "must be in the future",
  }).optional(),
  source: z
    .enum(["purchase", "promotion", "subscription", "refund"], {
      error: "must be purchase, promotion, subscription or refund",
    })
    .default("promotion"),
});

export const DeductCreditsBody = z.strictObject({
  ...CreatedBy,
  amount: CreditAmount,
  description: Description,
  app_id: AppIdOrDefault,
});

export const TransferBody = z.strictObject({
  ...CreatedBy,
  to_user_id: CustomerRef,
  amount: CreditAmount,
  description: Description.optional(),
  app_id: AppIdOrDefault,
});

export const PurchaseBody = z.strictObject({
  ...CreatedBy,
  app_id: AppIdOrDefault,
  item_id: SafeText.trim().min(1).max(100),
  item_name: SafeText.trim().min(1).max(200),
  credits: CreditAmount,
});

export const HoldBody = z.strictObject({
  ...CreatedBy,
  amount: CreditAmount,
  ttl_seconds: z
    .number({ error: "must be a number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(1, { error: "must be at least 1 second" })
    .max(7 * 24 * 3600, { error: "must be at most 7 days" }),
  description: Description,
  app_id: AppIdOrDefault,
});

export const CaptureBody = z.strictObject({ amount: CreditAmount, ...CreatedBy });
export const EmptyBody = z.strictObject({});
/** The body of a change that takes no input but who recorded it. */
export const CreatedByBody = z.strictObject(CreatedBy);

export const UpgradeBody = z.strictObject({ ...CreatedBy, tier: TierName });
export const CancelBody = z.strictObject({
  ...CreatedBy,
  at_period_end: z.boolean({ error: "must be true or false" }).default(true),
});

export const CustomerBody = z.strictObject({
  ...CreatedBy,
  /** Your id for the user (or this platform's user id). */
  id: CustomerRef,
  email: z.email({ error: "must be an email address" }).trim().toLowerCase().optional(),
  name: z
    .string({ error: "must be text" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" })
    .optional(),
});

export const TrackUsageBody = z.strictObject({
  ...CreatedBy,
  feature: FeatureName,
  quantity: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .positive({ error: "must be greater than zero" })
    .max(1_000_000, { error: "must be at most 1,000,000 per call" })
    .default(1),
});

// ─── Responses ───────────────────────────────────────────────────────────────────────────────

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** The id the caller named the user by, and this platform's id for it (null: not a customer yet). */
export const UserIds = {
  user_id: z.string(),
  platform_user_id: z.uuid().nullable(),
};

export const CustomerResponse = z.object({
  ...UserIds,
  platform_user_id: z.uuid(),
  external_id: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  created_at: z.string(),
});

export const SignInLinkResponse = z.object({
  ...UserIds,
  platform_user_id: z.uuid(),
  /** The whole link to hand to the person, when the web app's APP_URL is set; null otherwise. */
  url: z.string().nullable(),
  /** The web app's page with the link's code (append it to the web app's address). */
  path: z.string(),
  expires_at: z.string(),
});

export const BalanceResponse = z.object({
  ...UserIds,
  balance: z.number().int(),
  balances: z.array(
    z.object({
      app_id: z.string(),
      balance: z.number().int(),
      available: z.number().int(),
      held: z.number().int(),
    }),
  ),
});

export const LedgerResponse = z.object({
  success: z.literal(true),
  balance: z.number().int(),
  available: z.number().int(),
  transaction_id: z.string(),
});

export const TransactionRecord = z.object({
  id: z.string(),
  user_id: z.string(),
  app_id: z.string(),
  type: TransactionType,
  amount: z.number().int(),
  balance: z.number().int(),
  description: z.string(),
  created_at: z.string(),
  /** Who you said recorded it (`created_by` of the call), or null. */
  created_by: z.string().nullable(),
  /** What made the call: a service token, a user in the web app, an operator, Stripe, the system. */
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
});

export const HistoryResponse = z.object({
  transactions: z.array(TransactionRecord),
  next_cursor: z.string().nullable(),
});

export const PurchaseResponse = z.object({
  success: z.literal(true),
  purchase_id: z.string(),
  balance: z.number().int(),
  transaction_id: z.string(),
});

export const PurchasesResponse = z.object({
  purchases: z.array(
    z.object({
      id: z.string(),
      app_id: z.string(),
      item_id: z.string(),
      item_name: z.string(),
      credits: z.number().int(),
      refunded_credits: z.number().int(),
      status: z.enum(["COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED"]),
      created_at: z.string(),
      created_by: z.string().nullable(),
      actor: z.object({ type: z.string(), id: z.string().nullable() }),
    }),
  ),
  next_cursor: z.string().nullable(),
});

export const HoldResponse = z.object({
  hold_id: z.string(),
  status: z.enum(["ACTIVE", "CAPTURED", "RELEASED", "EXPIRED"]),
  amount: z.number().int(),
  captured_amount: z.number().int(),
  expires_at: z.string(),
  available: z.number().int(),
  transaction_id: z.string().nullable(),
});

export const SubscriptionResponse = z.object({
  ...UserIds,
  tier: TierName,
  subscribed_tier: TierName.nullable(),
  status: z.string().nullable(),
  current_period_start: z.string().nullable(),
  current_period_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  pending_tier: TierName.nullable(),
  managed_by: z.enum(["stripe", "operator", "none"]),
  /** Set when the user must pay first: send them to this Stripe Checkout page. */
  checkout_url: z.string().nullable(),
});

const QuotaFields = {
  feature: FeatureName,
  kind: z.enum(["quota", "metered"]),
  used: z.number().int(),
  limit: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  resets_at: z.string(),
};

export const QuotasResponse = z.object({
  ...UserIds,
  tier: TierName,
  quotas: z.array(z.object(QuotaFields)),
});

export const UsageTrackResponse = z.object({
  success: z.literal(true),
  ...QuotaFields,
  credits_charged: z.number().int(),
});

export const UsageCheckResponse = z.object({ allowed: z.boolean(), ...QuotaFields });
