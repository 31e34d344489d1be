// Structured logs: one JSON object per line, with the request id of the request being served on
// every line written while serving it. Never pass secrets or tokens in fields.
import { AsyncLocalStorage } from "node:async_hooks";

const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` with `requestId` attached to every log line it writes. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

const levels = ["debug", "info", "warn", "error"] as const;
type Level = (typeof levels)[number];

/** LOG_LEVEL (validated with the service API's env) sets the least severe level written. */
const threshold = levels.indexOf(levels.find((level) => level === process.env.LOG_LEVEL) ?? "info");

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (levels.indexOf(level) < threshold) return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    requestId: currentRequestId(),
    ...fields,
  });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
