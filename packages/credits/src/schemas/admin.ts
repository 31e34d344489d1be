// Operators' inputs: finding users, roles, the audit log, bulk grants and the overview.
import { z } from "zod";
import {
  AppIdOrDefault,
  bigintCursor,
  CreditAmount,
  DateInput,
  FutureDate,
  IdempotencyKey,
  pageLimit,
  Reason,
  SafeText,
  UserId,
} from "./common.ts";
import { HistoryInput } from "./credits.ts";

export const SearchUsersInput = z.object({
  query: SafeText.trim().max(200).default(""),
  cursor: SafeText.max(320).nullish(),
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
  action: SafeText.max(100).optional(),
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
