// The words both apps use for ledger entries and the people behind them, so that a customer and an
// operator looking at the same entry read the same thing (each from their own side).

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
