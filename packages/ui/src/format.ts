const integer = new Intl.NumberFormat("en-US");
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });

/** "1,250 credits" */
export function formatCredits(amount: number, withUnit = true): string {
  const text = integer.format(amount);
  return withUnit ? `${text} ${Math.abs(amount) === 1 ? "credit" : "credits"}` : text;
}

/** "+1,250" or "−40", for ledger amounts. */
export function formatSigned(amount: number): string {
  return amount > 0 ? `+${integer.format(amount)}` : `−${integer.format(-amount)}`;
}

export const formatDateTime = (value: Date) => dateTime.format(value);
export const formatDate = (value: Date) => date.format(value);
