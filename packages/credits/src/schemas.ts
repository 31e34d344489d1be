import { z } from "zod";

/**
 * Zod schemas for every input and output of the credits domain, shared by the tRPC procedures,
 * the REST layer and forms. Messages say what is wrong in words a person understands.
 */

/** The largest amount one operation may move: 10^12 credits. */
export const MAX_CREDITS = 1_000_000_000_000;

export const CreditAmount = z
  .number({ error: "must be a number of credits" })
  .int({ error: "must be a whole number of credits" })
  .positive({ error: "must be greater than zero" })
  .max(MAX_CREDITS, { error: `must be at most ${MAX_CREDITS.toLocaleString("en-US")}` });

export const AppId = z.string({ error: "must be an app id" }).regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
  error: "must be a short slug of lowercase letters, digits and dashes",
});

/** The app of a request that names none: the platform's one app until there are more. */
export const AppIdOrDefault = AppId.default("default");

export const UserId = z.uuid({ error: "must be a user id (a UUID)" });

export const IdempotencyKey = z
  .string({ error: "is required: send a unique key (e.g. a UUID) with every change" })
  .min(8, { error: "must be at least 8 characters (a UUID is best)" })
  .max(200, { error: "must be at most 200 characters" })
  .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" });

export const Description = z
  .string({ error: "must be text" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" });

export const Reason = Description.describe("why an operator made this change");

const Metadata = z
  .record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 50, { error: "must have at most 50 keys" });

export const TransactionType = z.enum([
  "GRANT",
  "SPEND",
  "PURCHASE",
  "REFUND",
  "TRANSFER_OUT",
  "TRANSFER_IN",
  "ADJUSTMENT",
  "EXPIRE",
  "HOLD_CAPTURE",
]);
export type TransactionType = z.infer<typeof TransactionType>;

export const GrantSource = z.enum([
  "PURCHASE",
  "SUBSCRIPTION",
  "ADMIN",
  "PROMOTION",
  "TRANSFER",
  "REFUND",
]);
export type GrantSource = z.infer<typeof GrantSource>;

/** Dates JavaScript and Postgres both represent: the years 1970 to 9999 (anything else is a typo). */
const earliestDate = Date.UTC(1970, 0, 1);
const latestDate = Date.UTC(10_000, 0, 1) - 1;

export const DateInput = z.coerce
  .date({ error: "must be a date" })
  .refine((date) => date.getTime() >= earliestDate && date.getTime() <= latestDate, {
    error: "must be a date between the years 1970 and 9999",
  });

const FutureDate = DateInput.refine((date) => date.getTime() > Date.now(), {
  error: "must be in the future",
});

/** Postgres's largest bigint: keyset cursors over bigint ids never go beyond it. */
const maxBigint = 2n ** 63n - 1n;

/** The cursor of a keyset page over a bigint id (the `nextCursor` a previous page returned). */
export function bigintCursor(error: string) {
  return z
    .string({ error })
    .regex(/^\d{1,19}$/, { error, abort: true })
    .refine((value) => BigInt(value) <= maxBigint, { error });
}

/** How many rows a page holds, at most 100. */
export function pageLimit(fallback: number) {
  return z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(100, { error: "must be at most 100" })
    .default(fallback);
}

// ─── Inputs ──────────────────────────────────────────────────────────────────────────────────

export const SpendCreditsInput = z.object({
  appId: AppIdOrDefault,
  amount: CreditAmount,
  description: Description,
  metadata: Metadata.optional(),
  idempotencyKey: IdempotencyKey,
});
export type SpendCreditsInput = z.infer<typeof SpendCreditsInput>;

export const CreatePurchaseInput = z.object({
  appId: AppIdOrDefault,
  itemId: z.string().trim().min(1, { error: "must not be empty" }).max(200),
  itemName: z.string().trim().min(1, { error: "must not be empty" }).max(200),
  credits: CreditAmount,
  idempotencyKey: IdempotencyKey,
});
export type CreatePurchaseInput = z.infer<typeof CreatePurchaseInput>;

export const TransferRecipient = z.union(
  [
    z.object({ userId: UserId }),
    z.object({ email: z.email({ error: "must be an email address" }).toLowerCase() }),
  ],
  { error: "must name the recipient by userId or email" },
);

export const TransferCreditsInput = z.object({
  appId: AppIdOrDefault,
  to: TransferRecipient,
  amount: CreditAmount,
  description: Description.default("Transfer"),
  idempotencyKey: IdempotencyKey,
});
export type TransferCreditsInput = z.infer<typeof TransferCreditsInput>;

export const GrantCreditsInput = z.object({
  userId: UserId,
  appId: AppIdOrDefault,
  amount: CreditAmount,
  source: GrantSource,
  description: Description,
  expiresAt: FutureDate.optional(),
  priority: z.number().int().min(0).max(1000).default(100),
  metadata: Metadata.optional(),
  stripeObjectId: z.string().max(255).optional(),
  idempotencyKey: IdempotencyKey,
});
export type GrantCreditsInput = z.input<typeof GrantCreditsInput>;

export const AdjustCreditsInput = z.discriminatedUnion(
  "direction",
  [
    z.object({
      direction: z.literal("grant"),
      userId: UserId,
      appId: AppIdOrDefault,
      amount: CreditAmount,
      expiresAt: FutureDate.optional(),
      reason: Reason,
      idempotencyKey: IdempotencyKey,
    }),
    z.object({
      direction: z.literal("debit"),
      userId: UserId,
      appId: AppIdOrDefault,
      amount: CreditAmount,
      reason: Reason,
      idempotencyKey: IdempotencyKey,
    }),
  ],
  { error: "direction must be grant or debit" },
);
export type AdjustCreditsInput = z.infer<typeof AdjustCreditsInput>;

export const RefundPurchaseInput = z.object({
  purchaseId: z.uuid({ error: "must be a purchase id (a UUID)" }),
  /** Omitted: everything not refunded yet. */
  amount: CreditAmount.optional(),
  reason: Reason,
  idempotencyKey: IdempotencyKey,
});
export type RefundPurchaseInput = z.infer<typeof RefundPurchaseInput>;

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

export const HistoryInput = z
  .object({
    appId: AppId.optional(),
    types: z.array(TransactionType).max(9).optional(),
    from: DateInput.optional(),
    to: DateInput.optional(),
    /** The `nextCursor` of the previous page. */
    cursor: bigintCursor("must be a cursor from a previous page").nullish(),
    limit: pageLimit(50),
  })
  .refine((input) => !input.from || !input.to || input.from <= input.to, {
    error: "must not be before `from`",
    path: ["to"],
  });
export type HistoryInput = z.infer<typeof HistoryInput>;

export const BalanceAtInput = z.object({
  appId: AppIdOrDefault,
  at: DateInput,
});

export const ListPurchasesInput = z.object({
  appId: AppId.optional(),
  cursor: z.uuid({ error: "must be a cursor from a previous page" }).nullish(),
  limit: pageLimit(50),
});
export type ListPurchasesInput = z.infer<typeof ListPurchasesInput>;

// ─── Outputs ─────────────────────────────────────────────────────────────────────────────────

export const AppBalance = z.object({
  appId: z.string(),
  appName: z.string(),
  /** Credits the account holds, not counting expired ones. */
  balance: z.number().int(),
  /** Reserved by active holds. */
  held: z.number().int(),
  /** What can be spent now: balance − held. */
  available: z.number().int(),
});

export const BalanceOutput = z.object({
  total: z.number().int(),
  available: z.number().int(),
  held: z.number().int(),
  apps: z.array(AppBalance),
});
export type BalanceOutput = z.infer<typeof BalanceOutput>;

/** What every balance-changing operation returns; JSON-safe, so a replay returns it unchanged. */
export const LedgerResult = z.object({
  transactionId: z.string(),
  balance: z.number().int(),
  available: z.number().int(),
});
export type LedgerResult = z.infer<typeof LedgerResult>;

export const PurchaseResult = LedgerResult.extend({ purchaseId: z.string() });
export type PurchaseResult = z.infer<typeof PurchaseResult>;

export const TransferResult = LedgerResult.extend({
  transferId: z.string(),
  recipientUserId: z.string(),
});
export type TransferResult = z.infer<typeof TransferResult>;

export const RefundResult = LedgerResult.extend({
  purchaseId: z.string(),
  refunded: z.number().int(),
  status: z.enum(["COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED"]),
});
export type RefundResult = z.infer<typeof RefundResult>;

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

/** Who caused a change ("created by"). */
export const ActorType = z.enum(["USER", "ADMIN", "SERVICE", "STRIPE", "SYSTEM"]);
export type ActorType = z.infer<typeof ActorType>;

export const LedgerEntry = z.object({
  id: z.string(),
  appId: z.string(),
  type: TransactionType,
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  description: z.string(),
  metadata: z.unknown(),
  actorType: ActorType,
  actorId: z.string().nullable(),
  purchaseId: z.string().nullable(),
  transferId: z.string().nullable(),
  grantId: z.string().nullable(),
  holdId: z.string().nullable(),
  stripeObjectId: z.string().nullable(),
  createdAt: z.date(),
});

export const HistoryOutput = z.object({
  entries: z.array(LedgerEntry),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

export const ActiveGrant = z.object({
  id: z.string(),
  appId: z.string(),
  source: GrantSource,
  amount: z.number().int(),
  remaining: z.number().int(),
  priority: z.number().int(),
  expiresAt: z.date().nullable(),
  createdAt: z.date(),
});

export const PurchaseRecord = z.object({
  id: z.string(),
  appId: z.string(),
  itemId: z.string(),
  itemName: z.string(),
  credits: z.number().int(),
  refundedCredits: z.number().int(),
  status: z.enum(["COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED"]),
  createdByType: ActorType,
  createdById: z.string().nullable(),
  createdAt: z.date(),
});

export const PurchasesOutput = z.object({
  purchases: z.array(PurchaseRecord),
  nextCursor: z.string().nullable(),
});

// ─── Admin ───────────────────────────────────────────────────────────────────────────────────

export const SearchUsersInput = z.object({
  query: z.string().trim().max(200).default(""),
  cursor: z.string().max(320).nullish(),
  limit: pageLimit(25),
});

export const UserIdInput = z.object({ userId: UserId });

export const UserHistoryInput = z.object({ userId: UserId }).and(HistoryInput);

export const SetRoleInput = z.object({
  userId: UserId,
  role: z.enum(["USER", "ADMIN"], { error: "must be USER or ADMIN" }),
  reason: Reason,
});

export const AuditListInput = z.object({
  actorId: UserId.optional(),
  /** The acting operator by email, in any case; an email nobody has matches no entries. */
  actorEmail: z.email({ error: "must be an email address" }).optional(),
  targetUserId: UserId.optional(),
  action: z.string().max(100).optional(),
  from: DateInput.optional(),
  to: DateInput.optional(),
  cursor: bigintCursor("must be a cursor from a previous page").nullish(),
  limit: pageLimit(50),
});

export const BulkGrantChunkInput = z.object({
  batchKey: IdempotencyKey,
  emails: z
    .array(z.email({ error: "must be email addresses" }))
    .min(1, { error: "must list at least one email" })
    .max(100, { error: "must list at most 100 emails per batch" }),
  appId: AppIdOrDefault,
  amount: CreditAmount,
  expiresAt: FutureDate.optional(),
  reason: Reason,
});

export const OverviewInput = z.object({
  days: z.union([z.literal(30), z.literal(90)]).default(30),
});
