// Builders for the JSON objects the fake returns. Field names follow the stripe SDK's types for
// API version 2026-10-28.endive; only the fields a subscriptions/credits product reads are filled,
// so the objects are partial and cast to the SDK's types.
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";

export const API_VERSION = "2026-10-28.endive";
export const CURRENCY = "usd";
export const DAY_SECONDS = 86_400;
/** Every subscription period of the fake lasts 30 days. */
export const PERIOD_SECONDS = 30 * DAY_SECONDS;
/** Unit amount (cents) of a price the fake was not told about. */
export const DEFAULT_UNIT_AMOUNT = 1000;

/** The SDK's type with every field optional, at every depth. */
export type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Types a partial object as the SDK's full type. The literal is still checked against the SDK's
 * field names and value types, so a misspelt or retyped field fails the typecheck.
 */
export function shape<T>(value: DeepPartial<T>): T {
  return value as T;
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `prefix` followed by random alphanumerics, like Stripe's ids. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

/** A deep copy through JSON, so an event or a response never shares state with the store. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function apiList<T>(data: T[], url: string): Stripe.ApiList<T> {
  return { object: "list", data, has_more: false, url };
}

export function formatMoney(cents: number, currency = CURRENCY): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}
