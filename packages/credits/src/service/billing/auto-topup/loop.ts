// The auto top-up round on a timer (AUTO_TOPUP_INTERVAL_MS), started by the webhook worker: the
// process that runs the worker also charges the accounts that fell below their threshold.
import type { Database } from "@credits/db";
import type { BillingConfig } from "../../../stripe/config.ts";
import { type AutoTopupRound, runAutoTopups } from "./round.ts";

export interface AutoTopupLoop {
  /** Runs a round now, after the one in progress (tests; the timer runs them on its own). */
  runNow(): Promise<AutoTopupRound>;
  stop(): Promise<void>;
}

export function startAutoTopupLoop(
  db: Database,
  billing: BillingConfig,
  logger: { error(message: string, fields?: Record<string, unknown>): void },
): AutoTopupLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const round = () =>
    runAutoTopups(db, billing)
      .then((result) => {
        if (result.unsent > 0) {
          logger.error("auto top-up charges did not reach Stripe; they are resent shortly", {
            unsent: result.unsent,
          });
        }
        return result;
      })
      .catch((error: unknown) => {
        logger.error("auto top-up round failed; it runs again shortly", {
          error: error instanceof Error ? error.message : String(error),
        });
        return { charged: 0, failed: 0, capped: 0, unsent: 0 };
      });
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, billing.autoTopupIntervalMs);
  };
  schedule();
  return {
    async runNow() {
      await running;
      return round();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
