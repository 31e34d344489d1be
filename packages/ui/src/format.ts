const integer = new Intl.NumberFormat("en-US");
const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });

/** "1,250": counts, quotas and balances shown without a unit. */
export const formatNumber = (value: number) => integer.format(value);

/** "1,250 credits" */
export function formatCredits(amount: number): string {
  return `${integer.format(amount)} ${Math.abs(amount) === 1 ? "credit" : "credits"}`;
}

/** "+1,250" or "−40", for ledger amounts. */
export function formatSigned(amount: number): string {
  return amount > 0 ? `+${integer.format(amount)}` : `−${integer.format(-amount)}`;
}

/** "$12.00", from a price in cents (prices are kept in cents, as Stripe keeps them). */
export const formatDollars = (cents: number) => dollars.format(cents / 100);

export const formatDateTime = (value: Date) => dateTime.format(value);
export const formatDate = (value: Date) => date.format(value);
