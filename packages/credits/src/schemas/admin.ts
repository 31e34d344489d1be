// Operators' inputs and outputs: finding users, roles and sessions, the audit log, bulk grants and
// the overview.
import { z } from "zod";
import { BillingOverview, SubscriptionView, TierName } from "./billing.ts";
import {
  AppIdOrDefault,
  bigintCursor,
  CreditAmount,
  DateInput,
  FutureDate,
  IdempotencyKey,
  NextCursor,
  pageLimit,
  Reason,
  SafeText,
  SortOrder,
  UserId,
} from "./common.ts";
import { ActiveGrant, BalanceOutput, HistoryInput, PurchaseRecord } from "./credits.ts";
import { ActiveHold } from "./holds.ts";
import { QuotaStatus } from "./usage.ts";

export const RoleName = z.enum(["USER", "ADMIN"], { error: "must be USER or ADMIN" });

export const SearchUsersInput = z.object({
  query: SafeText.trim().max(200).default(""),
  /** By email (A to Z unless `order` says otherwise) or by sign-up date (newest first). */
  sort: z.enum(["email", "createdAt"], { error: "must be email or createdAt" }).default("email"),
  order: SortOrder.optional(),
  cursor: SafeText.max(320).nullish(),
  limit: pageLimit(25),
});

export const UserIdInput = z.object({ userId: UserId });

export const UserHistoryInput = z.object({ userId: UserId }).and(HistoryInput);

export const SetRoleInput = z.object({
  userId: UserId,
  role: RoleName,
  reason: Reason,
});

export const EndSessionsInput = z.object({ userId: UserId, reason: Reason });

export const CreateSignInLinkInput = z.object({ userId: UserId, reason: Reason });

export const SignInLinkCreated = z.object({
  userId: z.string(),
  /** The web app's page with the link's code; `url` is the whole link when APP_URL is set. */
  path: z.string(),
  url: z.string().nullable(),
  expiresAt: z.date(),
});

export const AuditListInput = z.object({
  actorId: UserId.optional(),
  /** The acting operator by email, in any case; an email nobody has matches no entries. */
  actorEmail: z.email({ error: "must be an email address" }).optional(),
  /** The acting service token. */
  actorTokenId: z.uuid({ error: "must be a service token id" }).optional(),
  targetUserId: UserId.optional(),
  action: SafeText.max(100).optional(),
  from: DateInput.optional(),
  to: DateInput.optional(),
  /** Newest first unless "asc". */
  order: SortOrder.optional(),
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

/** A user as operators see one: no password hash, no Stripe customer. */
export const UserSummary = z.object({
  id: z.string(),
  /** Null for a customer another backend created without one. */
  email: z.string().nullable(),
  /** The id another backend knows the user by, when one did. */
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  role: RoleName,
  createdAt: z.date(),
});

/** A user in the operators' list: the summary, what they can spend across apps, their plan now. */
export const UserListItem = UserSummary.extend({
  /** Credits available to spend, summed over the user's apps (expired credits and holds excluded). */
  available: z.number(),
  /** The tier whose limits apply now. */
  tier: TierName,
});

export const UserSearchPage = z.object({
  users: z.array(UserListItem),
  nextCursor: NextCursor,
});

/** One user's whole picture for support. */
export const UserOverview = z.object({
  user: UserSummary,
  /** Whether an operator can make this customer a sign-in link (see createCustomerSignInLink). */
  signInLinkAllowed: z.boolean(),
  balances: BalanceOutput,
  grants: z.array(ActiveGrant),
  /** The 20 most recent. */
  purchases: z.array(PurchaseRecord),
  holds: z.array(ActiveHold),
  subscription: SubscriptionView,
  quotas: z.array(QuotaStatus),
});

export const UserRole = z.object({ userId: z.string(), role: RoleName });

/** The user whose sessions an operator ended. */
export const UserSessionsEnded = z.object({ userId: z.string() });

const AuditUser = z.object({ id: z.string(), email: z.string().nullable() });

export const AuditLogEntry = z.object({
  id: z.string(),
  action: z.string(),
  /** JSON of what the action changed, as it recorded it; null where there was nothing. */
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  createdAt: z.date(),
  /** The operator who acted, or null when a service token did. */
  actor: AuditUser.nullable(),
  /** The service token that acted, or null when an operator did. */
  actorToken: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Who the token's caller said recorded the change (its `created_by`), if it said. */
  recordedBy: z.string().nullable(),
  targetUser: AuditUser.nullable(),
});

export const AuditPage = z.object({
  entries: z.array(AuditLogEntry),
  nextCursor: NextCursor,
});

/** What happened to one email of a bulk grant's batch. */
export const BulkGrantOutcome = z.object({
  email: z.string(),
  status: z.enum(["granted", "unknown-user", "failed"]),
  /** The balance after the grant, when granted. */
  balance: z.number().int().optional(),
  /** Why it failed, for the operator. */
  message: z.string().optional(),
});
export type BulkGrantOutcome = z.infer<typeof BulkGrantOutcome>;

// The database keeps each account's balance a safe integer, but sums over every account may pass
// 2^53, where Number() rounds them: a dashboard figure may be off by a few credits, but must not
// fail the page, as `.int()` (safe integers only) would.
const CreditSum = z.number();

/** Credits that came into and left users' accounts on one day (UTC); transfers count in none. */
export const CreditFlowDay = z.object({
  day: z.string(),
  granted: CreditSum,
  spent: CreditSum,
  expired: CreditSum,
  refunded: CreditSum,
});

/** What the platform owes its users: credits not spent or expired, and the accounts holding them. */
export const CreditLiability = z.object({
  outstanding: CreditSum,
  accountsWithCredits: z.number().int(),
});

export const AdminOverview = z.object({
  /** Every day of the period, oldest first. */
  flows: z.array(CreditFlowDay),
  liability: CreditLiability,
  billing: BillingOverview,
});
