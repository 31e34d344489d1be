// Numbers keep one grouping everywhere ("1,250"), so amounts line up with the CSV export and the
// API's examples; dates follow the viewer's locale and time zone (the runtime's defaults: the
// browser's for what renders there). One date style and one date-time style for both apps and every
// list and chart. What the server renders and React hydrates uses `hydrationDates` instead (see
// local-dates.tsx): the server knows neither the viewer's locale nor their time zone.
const integer = new Intl.NumberFormat("en-US");
const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** The four ways a date is shown: an instant, its day, a calendar day in full and on an axis. */
export interface DateFormats {
  dateTime: (value: Date) => string;
  date: (value: Date) => string;
  /** A calendar day ("2026-12-02", as the per-day queries return it), in full: "Dec 2, 2026". */
  day: (day: string) => string;
  /** A calendar day for a chart's axis: "Dec 2". */
  shortDay: (day: string) => string;
}

/** Date formats in `locale` and `timeZone` (undefined: the runtime's own). */
export function dateFormats(locale?: string, timeZone?: string): DateFormats {
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone });
  // Calendar days are UTC days: the instant at their midnight, shown in UTC, is that day anywhere.
  const shortDate = new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  const dayDate = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const midnight = (day: string) => new Date(`${day}T00:00:00Z`);
  return {
    dateTime: (value) => dateTime.format(value),
    date: (value) => date.format(value),
    day: (day) => dayDate.format(midnight(day)),
    shortDay: (day) => shortDate.format(midnight(day)),
  };
}

/** The viewer's formats (the runtime's locale and time zone). */
export const viewerDates = dateFormats();
/** What the server renders and hydration repeats, the same on both sides whoever looks. */
export const hydrationDates = dateFormats("en-US", "UTC");

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

// In the viewer's formats, for what only the browser renders (toasts, dialogs, lists no server
// render prefetches); a component the server may render with data uses useDateFormats or LocalDate.
export const formatDateTime = viewerDates.dateTime;
export const formatDate = viewerDates.date;
export const formatDay = viewerDates.day;
export const formatShortDay = viewerDates.shortDay;
