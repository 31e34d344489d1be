// The credit ledger's inputs and outputs: spends, purchases, transfers, grants and adjustments,
// refunds, balances, history and purchases.
import { safeText } from "@credits/db/text";
import { z } from "zod";
import {
  ActorType,
  AppId,
  AppIdOrDefault,
  bigintCursor,
  CreditAmount,
  DateInput,
  Description,
  FutureDate,
  GrantSource,
  IdempotencyKey,
  NextCursor,
  pageLimit,
  Reason,
  SafeText,
  SortOrder,
  TransactionType,
  UserId,
} from "./common.ts";

// Values are a program's data, not a person's one-line input: they may hold tabs and line breaks.
const Metadata = z
  .record(
    SafeText.max(100),
    z.union([safeText({ multiline: true }).max(1000), z.number(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= 50, { error: "must have at most 50 keys" });

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
  itemId: SafeText.trim().min(1, { error: "must not be empty" }).max(200),
  itemName: SafeText.trim().min(1, { error: "must not be empty" }).max(200),
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

/**
 * Whether a transfer could go to a recipient, asked before the sender confirms: an unknown
 * recipient or oneself is an answer here, not an error, as the form expects either.
 */
export const TransferRecipientCheck = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), recipientUserId: z.string() }),
  z.object({
    ok: z.literal(false),
    /** "unknown": nobody has this email or id; "self": the sender's own. */
    problem: z.enum(["unknown", "self"]),
    message: z.string(),
  }),
]);
export type TransferRecipientCheck = z.infer<typeof TransferRecipientCheck>;

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
  stripeObjectId: SafeText.max(255).optional(),
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

export const HistoryInput = z
  .object({
    appId: AppId.optional(),
    types: z.array(TransactionType).max(9).optional(),
    from: DateInput.optional(),
    to: DateInput.optional(),
    /** Newest first unless "asc". */
    order: SortOrder.optional(),
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
  /** Newest first unless "asc". */
  order: SortOrder.optional(),
  cursor: z.uuid({ error: "must be a cursor from a previous page" }).nullish(),
  limit: pageLimit(50),
});
export type ListPurchasesInput = z.infer<typeof ListPurchasesInput>;

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
  /** Who the calling backend said recorded it (service calls' `created_by`). */
  recordedBy: z.string().nullable(),
  purchaseId: z.string().nullable(),
  transferId: z.string().nullable(),
  grantId: z.string().nullable(),
  holdId: z.string().nullable(),
  stripeObjectId: z.string().nullable(),
  createdAt: z.date(),
});

export const HistoryOutput = z.object({
  entries: z.array(LedgerEntry),
  nextCursor: NextCursor,
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
  /** Who the calling backend said recorded it (service calls' `created_by`). */
  recordedBy: z.string().nullable(),
  createdAt: z.date(),
});

export const PurchasesOutput = z.object({
  purchases: z.array(PurchaseRecord),
  nextCursor: NextCursor,
});
