import type { Database } from "@credits/db";
import type { HistoryInput } from "../schemas/credits.ts";
import { listHistory } from "./queries.ts";

const columns = [
  "id",
  "created_at",
  "app_id",
  "type",
  "amount",
  "balance_after",
  "description",
  "actor_type",
  "actor_id",
];

/** Quotes a CSV field when needed; a leading =, +, - or @ is defused so spreadsheets don't run it. */
function csvField(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The user's filtered history as CSV lines (header first), newest first, read in keyset pages so
 * a long history never sits in memory at once.
 */
export async function* historyCsv(
  db: Database,
  userId: string,
  filters: Omit<HistoryInput, "cursor" | "limit">,
): AsyncGenerator<string> {
  yield `${columns.join(",")}\n`;
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listHistory>> = await listHistory(db, userId, {
      ...filters,
      cursor,
      limit: 100,
    });
    for (const entry of page.entries) {
      const row = [
        entry.id,
        entry.createdAt.toISOString(),
        entry.appId,
        entry.type,
        entry.amount,
        entry.balanceAfter,
        entry.description,
        entry.actorType,
        entry.actorId,
      ];
      yield `${row.map(csvField).join(",")}\n`;
    }
    cursor = page.nextCursor;
  } while (cursor);
}
