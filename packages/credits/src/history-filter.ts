// The history filter in one place: what the filter form holds, the query it means, and that query
// as the parameters of the CSV export, so the export always lists exactly what the page shows.
import { z } from "zod";
import { AppId, TransactionType } from "./schemas/common.ts";
import type { HistoryInput } from "./schemas/credits.ts";

/** What a history filter form holds: an app, a type and local calendar days; "" is "any". */
export interface HistoryFilterFields {
  app: string;
  type: string;
  /** YYYY-MM-DD, a day in the viewer's time zone. */
  from: string;
  to: string;
}

export const emptyHistoryFilter: HistoryFilterFields = { app: "", type: "", from: "", to: "" };

/** Whether the form narrows the history at all. */
export function isHistoryFiltered(fields: HistoryFilterFields): boolean {
  return Object.values(fields).some(Boolean);
}

export type HistoryFilter = Pick<HistoryInput, "appId" | "types" | "from" | "to">;

/**
 * The query a filter form means: whole days in the viewer's time zone, from the first instant of
 * `from` to the last of `to`.
 */
export function historyFilterOf(fields: HistoryFilterFields): HistoryFilter {
  return {
    appId: fields.app || undefined,
    types: fields.type ? [fields.type as TransactionType] : undefined,
    from: fields.from ? new Date(`${fields.from}T00:00:00`) : undefined,
    to: fields.to ? new Date(`${fields.to}T23:59:59.999`) : undefined,
  };
}

/**
 * The filter as query parameters (for `/history/export`). Dates travel as exact instants, because
 * the server does not know which time zone the viewer's days are in.
 */
export function historyFilterSearchParams(filter: HistoryFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.appId) params.set("app", filter.appId);
  for (const type of filter.types ?? []) params.append("type", type);
  if (filter.from) params.set("from", filter.from.toISOString());
  if (filter.to) params.set("to", filter.to.toISOString());
  return params;
}

const Instant = z.iso
  .datetime({ offset: true, error: "must be an instant with a time zone (ISO 8601)" })
  .transform((value) => new Date(value));

const HistoryFilterParams = z
  .object({
    app: AppId.optional(),
    type: z.array(TransactionType).max(9).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
  })
  .refine((params) => !params.from || !params.to || params.from <= params.to, {
    error: "must not be before `from`",
    path: ["to"],
  });

/** Reads the parameters `historyFilterSearchParams` writes; field errors name what is wrong. */
export function historyFilterFromSearchParams(
  params: URLSearchParams,
):
  | { success: true; data: HistoryFilter }
  | { success: false; fieldErrors: Record<string, string[]> } {
  const parsed = HistoryFilterParams.safeParse({
    app: params.get("app") || undefined,
    type: params.getAll("type").length ? params.getAll("type") : undefined,
    from: params.get("from") || undefined,
    to: params.get("to") || undefined,
  });
  if (!parsed.success) {
    return { success: false, fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  const { app, type, from, to } = parsed.data;
  return { success: true, data: { appId: app, types: type, from, to } };
}
