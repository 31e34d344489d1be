// The building blocks every schema uses: amounts, ids, text, dates, page cursors, and the enums of
// the ledger. Messages say what is wrong in words a person understands.
import { safeText } from "@credits/db/text";
import { z } from "zod";

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

/**
 * A user as another backend names one: this platform's user id (a UUID) or the backend's own id for
 * the user (service/customers.ts says how the two are told apart).
 */
export const CustomerRef = z
  .string({ error: "must be a user id" })
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/, {
    error:
      "must be a user id: this platform's user UUID or your own id for the user (1-128 letters, digits and . _ : @ -)",
  });

export const UserId = z.uuid({ error: "must be a user id (a UUID)" });

export const IdempotencyKey = z
  .string({ error: "is required: send a unique key (e.g. a UUID) with every change" })
  .min(8, { error: "must be at least 8 characters (a UUID is best)" })
  .max(200, { error: "must be at most 200 characters" })
  .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" });

/**
 * One line of text the platform can store and show: every text input is built on it (what it
 * refuses, and why, is in @credits/db/text).
 */
export const SafeText = safeText();

export const Description = SafeText.trim()
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" });

export const Reason = Description.describe("why an operator made this change");

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

export const FutureDate = DateInput.refine((date) => date.getTime() > Date.now(), {
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

/**
 * Which way a keyset list runs: "desc" (newest first) when omitted. A cursor belongs to the order
 * it was read in: the next page continues that way.
 */
export const SortOrder = z.enum(["asc", "desc"], { error: "must be asc or desc" });
export type SortOrder = z.infer<typeof SortOrder>;

/** What a page returns as its next page's `cursor`; null on the last page. */
export const NextCursor = z.string().nullable();

/** How many rows a page holds, at most 100. */
export function pageLimit(fallback: number) {
  return z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(100, { error: "must be at most 100" })
    .default(fallback);
}

/** Who caused a change ("created by"). */
export const ActorType = z.enum(["USER", "ADMIN", "SERVICE", "STRIPE", "SYSTEM"]);
export type ActorType = z.infer<typeof ActorType>;
