// The delivery worker: a dispatch loop over the outbox and pg-boss workers that make the attempts.
// It runs in apps/service (WEBHOOK_WORKER, on there by default) and can run in several processes
// at once: the dispatch round skips rows another process holds, and pg-boss hands each job to one.
import type { Database } from "@credits/db";
import PgBoss from "pg-boss";
import type { BillingConfig } from "../../stripe/config.ts";
import { startAutoTopupLoop } from "../billing/auto-topup/loop.ts";
import { settleOverdueAutoTopups } from "../billing/auto-topup/settle.ts";
import { recordExpiringNotices } from "../events/expiring.ts";
import { runExpirySweep } from "../maintenance.ts";
import type { WebhookConfig } from "./config.ts";
import { attemptDelivery } from "./deliver.ts";
import {
  type DeliveryJob,
  deliveryJobOptions,
  deliveryQueue,
  dispatchRound,
  roundSize,
} from "./dispatch.ts";
import { pruneOutbox } from "./retention.ts";

/**
 * How often the worker posts due expiries and holds (credits.expired, hold.expired), announces
 * grants about to expire (credits.expiring), deletes events past their retention and settles auto
 * top-ups whose webhook never came: what time, not a request, brings about.
 */
const maintenanceIntervalMs = 60_000;

/** Jobs one fetch takes, attempted side by side: the most attempts a process makes at once. */
const batchSize = 16;

export interface WebhookWorker {
  /** Runs a dispatch round now (tests; the loop runs them on its own). */
  dispatchNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerLogger {
  error(message: string, fields?: Record<string, unknown>): void;
}

export async function startWebhookWorker(options: {
  db: Database;
  connectionString: string;
  config: WebhookConfig;
  logger: WorkerLogger;
  /** How often pg-boss fails the jobs of workers that died (tests shorten it). */
  queueMaintenanceSeconds?: number;
  /** With Stripe configured, the auto top-up round runs in this process too. */
  billing?: BillingConfig;
}): Promise<WebhookWorker> {
  const { db, config, logger } = options;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    max: 3,
    maintenanceIntervalSeconds: options.queueMaintenanceSeconds ?? 30,
  });
  boss.on("error", (error) => logger.error("webhook queue error", { error: error.message }));
  await boss.start();
  await boss.createQueue(deliveryQueue, { name: deliveryQueue, ...deliveryJobOptions(config) });

  const attempt = async (job: PgBoss.JobWithMetadata<DeliveryJob>) => {
    const final = job.retryCount >= job.retryLimit;
    const result = await attemptDelivery(db, job.data.deliveryId, final, config);
    // Failing the job is how pg-boss learns to retry it; the attempt is recorded already. The
    // jobs of the batch left active are completed by pg-boss when the handler returns.
    if (result === "failed") await boss.fail(deliveryQueue, job.id, { error: "not accepted" });
  };
  let workerId: string | undefined;
  workerId = await boss.work<DeliveryJob>(
    deliveryQueue,
    { includeMetadata: true, batchSize, pollingIntervalSeconds: 0.5 },
    async (jobs) => {
      await Promise.all(jobs.map(attempt));
      // pg-boss waits its polling interval after every fetch; a full batch means more are due.
      if (jobs.length === batchSize && workerId) boss.notifyWorker(workerId);
    },
  );

  const maintain = async () => {
    try {
      await runExpirySweep(db);
      await recordExpiringNotices(db, config.expiringNoticeDays);
      await pruneOutbox(db, config.retentionDays);
    } catch (error) {
      logger.error("outbox maintenance failed; it runs again shortly", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const billing = options.billing;
    if (!billing?.stripe) return;
    try {
      const settled = await settleOverdueAutoTopups(
        db,
        billing.stripe,
        billing.autoTopupSettleAfterSeconds,
      );
      if (settled.unreachable > 0) {
        logger.error("overdue auto top-ups could not be looked up on Stripe; retried later", {
          unreachable: settled.unreachable,
        });
      }
    } catch (error) {
      logger.error("settling overdue auto top-ups failed; it runs again shortly", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  let maintenance: Promise<void> = maintain();
  const maintenanceTimer = setInterval(() => {
    maintenance = maintenance.then(maintain);
  }, maintenanceIntervalMs);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const runRound = async (): Promise<void> => {
    try {
      const round = await dispatchRound(db, boss, config);
      if (round.deliveries > 0 && workerId) boss.notifyWorker(workerId);
      if (round.events === roundSize || round.deliveries === roundSize) return runRound();
    } catch (error) {
      logger.error("webhook dispatch failed; it runs again shortly", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runRound().finally(schedule);
    }, config.dispatchIntervalMs);
  };
  schedule();
  const autoTopups = options.billing?.stripe
    ? startAutoTopupLoop(db, options.billing, logger)
    : null;

  return {
    async dispatchNow() {
      await running;
      await runRound();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(maintenanceTimer);
      await Promise.all([running, maintenance, autoTopups?.stop()]);
      await boss.stop({ graceful: true, wait: true, timeout: config.timeoutMs + 1_000 });
    },
  };
}
