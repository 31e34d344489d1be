// Numbers keep one grouping everywhere ("1,250"), so amounts line up with the CSV export and the
// API's examples; dates follow the viewer's locale (the runtime's default: the browser's for what
// renders there). One date style and one date-time style for both apps and every list and chart.
const integer = new Intl.NumberFormat("en-US");
const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const shortDate = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});
const dayDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

/** "1,250": counts, quotas and balances shown without a unit. */
export const formatNumber = (value: number) => integer.format(value);

/** "1,250 credits" */
export function formatCredits(amount: number): string {
  return `${integer.format(amount)} ${Math.abs(amount) === 1 ? "credit" : "credits"}`;
}

/** "+1,250", "−40" (a true minus sign) or "0", for ledger amounts. */
export function formatSigned(amount: number): string {
  if (amount === 0) return "0";
  return amount > 0 ? `+${integer.format(amount)}` : `−${integer.format(-amount)}`;
}

/** "$12.00", from a price in cents (prices are kept in cents, as Stripe keeps them). */
export const formatDollars = (cents: number) => dollars.format(cents / 100);

export const formatDateTime = (value: Date) => dateTime.format(value);
export const formatDate = (value: Date) => date.format(value);

/** A calendar day ("2026-12-02", as the per-day queries return it), in full: "Dec 2, 2026". */
export const formatDay = (day: string) => dayDate.format(new Date(`${day}T00:00:00Z`));

/** A calendar day for a chart's axis: "Dec 2". */
export const formatShortDay = (day: string) => shortDate.format(new Date(`${day}T00:00:00Z`));
