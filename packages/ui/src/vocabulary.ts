// The words both apps use for ledger entries and the people behind them, so that a customer and an
// operator looking at the same entry read the same thing (each from their own side).
import { formatDateTime, formatNumber } from "./format.ts";

/** The ledger's entry types, as stored. */
export type EntryType =
  | "GRANT"
  | "SPEND"
  | "PURCHASE"
  | "REFUND"
  | "TRANSFER_OUT"
  | "TRANSFER_IN"
  | "ADJUSTMENT"
  | "EXPIRE"
  | "HOLD_CAPTURE";

/** Who recorded a change, as stored. */
export type ActorKind = "USER" | "ADMIN" | "SERVICE" | "STRIPE" | "SYSTEM";

/** Who is looking: the account's owner in the web app, an operator in the admin console. */
export interface Viewer {
  side: "customer" | "operator";
  userId: string;
}

const entryTypeLabels: Record<EntryType, string> = {
  GRANT: "Grant",
  SPEND: "Spend",
  PURCHASE: "Purchase",
  REFUND: "Refund",
  TRANSFER_OUT: "Sent",
  TRANSFER_IN: "Received",
  ADJUSTMENT: "Adjustment",
  EXPIRE: "Expired",
  HOLD_CAPTURE: "Hold captured",
};

/**
 * What an entry is. An adjustment reads as what it did: operators pick "Grant" or "Debit" when they
 * make one, so the customer sees those same words.
 */
export function entryTypeLabel(type: EntryType, amount: number): string {
  if (type === "ADJUSTMENT") return amount >= 0 ? "Grant" : "Debit";
  return entryTypeLabels[type];
}

/** Every type with its plain label, for filters (an adjustment filter finds grants and debits). */
export const entryTypeOptions: { value: EntryType; label: string }[] = (
  Object.keys(entryTypeLabels) as EntryType[]
).map((value) => ({
  value,
  label: value === "ADJUSTMENT" ? "Grant or debit by support" : entryTypeLabels[value],
}));

/**
 * Who made a change, named from the viewer's side: "you" only for the viewer themself; the
 * customer's own actions read "the customer" to an operator, and operators read "support" to a
 * customer.
 */
export function actorLabel(actor: { type: ActorKind; id: string | null }, viewer: Viewer): string {
  if (actor.id !== null && actor.id === viewer.userId) return "you";
  switch (actor.type) {
    case "USER":
      return viewer.side === "operator" ? "the customer" : "another user";
    case "ADMIN":
      return viewer.side === "operator" ? "another operator" : "support";
    case "SERVICE":
      return "a connected app";
    case "STRIPE":
      return "billing";
    case "SYSTEM":
      return "the system";
  }
}

/** How a purchase's status reads to people. */
export const purchaseStatusLabels = {
  COMPLETED: "Completed",
  REFUNDED: "Refunded",
  PARTIALLY_REFUNDED: "Partly refunded",
} as const;

/** The audit log's actions, as recorded, with what an operator reads. */
export const auditActionLabels = {
  "credits.grant": "Granted credits",
  "credits.debit": "Debited credits",
  "credits.bulk_grant": "Bulk grant",
  "credits.threshold": "Low-balance threshold set",
  "auto_topup.set": "Auto top-up set",
  "purchase.refund": "Refunded a purchase",
  "user.role": "Changed role",
  "user.sessions_ended": "Ended sessions",
  "user.sign_in_link_created": "Created a sign-in link",
  "subscription.tier": "Changed plan",
  "subscription.cancel": "Cancelled subscription",
  "subscription.cancel_at_period_end": "Cancel at period end",
  "subscription.resume": "Resumed subscription",
  "stripe_event.retry": "Retried a Stripe event",
  "customer.create": "Created a customer",
  "customer.update": "Updated a customer",
  "token.create": "Created a service token",
  "token.revoke": "Revoked a service token",
  "webhook.create": "Added a webhook endpoint",
  "webhook.update": "Changed a webhook endpoint",
  "webhook.delete": "Deleted a webhook endpoint",
  "webhook.rotate_secret": "Rotated a webhook secret",
  "webhook.test": "Sent a test webhook",
  "webhook.resend": "Resent a webhook",
} as const satisfies Record<string, string>;

/** An action's label; one recorded by a newer version than this one reads as its code. */
export function auditActionLabel(action: string): string {
  return (auditActionLabels as Record<string, string>)[action] ?? action;
}

const auditFieldLabels: Record<string, string> = {
  appId: "App",
  balance: "Balance",
  amount: "Amount",
  refundedCredits: "Refunded credits",
  expiresAt: "Expires",
  revokedAt: "Revoked",
  cancelAtPeriodEnd: "Cancels at period end",
  managedBy: "Managed by",
  externalId: "External id",
  threshold: "Low-balance threshold",
};

/**
 * A recorded field's name as words: the known ones by name, any other from its camelCase
 * ("pendingTier" → "Pending tier"), so a field added later still reads as words.
 */
export function auditFieldLabel(field: string): string {
  const known = auditFieldLabels[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Fields that hold an enum's code (PARTIALLY_REFUNDED, PRO, ADMIN), which reads as its words. */
const enumFields = new Set(["status", "tier", "pendingTier", "role", "managedBy"]);

/**
 * A recorded value as a person reads it: grouped numbers, dates in the viewer's locale, yes/no,
 * enum codes as words ("Partially refunded"); other text (an external id) as it was recorded.
 */
export function formatAuditValue(field: string, value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value !== "string") return JSON.stringify(value);
  if (isoInstant.test(value)) return formatDateTime(new Date(value));
  if (enumFields.has(field) && /^[A-Z_]+$/.test(value)) {
    const words = value.replaceAll("_", " ").toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return value;
}

/** Ids the entry's other columns or links already name: listed, they are noise. */
const auditIdFields = new Set(["transactionId", "purchaseId", "eventId", "tokenId"]);

/**
 * What an audit entry changed, as "Refunded credits: 0 → 60": every field whose value differs, then
 * what only the state after holds (the amount of a grant). Ids are left out.
 */
export function auditChanges(before: unknown, after: unknown): string[] {
  const was = (before ?? {}) as Record<string, unknown>;
  const now = (after ?? {}) as Record<string, unknown>;
  return Object.keys(now)
    .filter((key) => !auditIdFields.has(key) && (!(key in was) || was[key] !== now[key]))
    .map((key) =>
      key in was
        ? `${auditFieldLabel(key)}: ${formatAuditValue(key, was[key])} → ${formatAuditValue(key, now[key])}`
        : `${auditFieldLabel(key)}: ${formatAuditValue(key, now[key])}`,
    );
}
