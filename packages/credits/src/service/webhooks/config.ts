// Settings of webhook delivery, read once from the environment (by the process that runs the
// worker, and by the endpoint service for the URL rules).
import { parseEnvironment } from "@credits/db/env";
import { z } from "zod";

const onOff = z.enum(["on", "off"], { error: "must be on or off" });

export const webhookEnvSchema = z.object({
  /** Runs the delivery worker in this process: on in apps/service, off in the apps by default. */
  WEBHOOK_WORKER: onOff.optional(),
  /**
   * Lets endpoints point at loopback and private addresses (tests, a receiver on the same host):
   * on under `pnpm dev`, off otherwise. Keep it off in production: an endpoint URL must not reach
   * into the deployment's own network.
   */
  WEBHOOK_ALLOW_PRIVATE_URLS: onOff.optional(),
  /** Retries after the first attempt. With the delay below: 14 attempts over about 3 days. */
  WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(0).max(30).default(13),
  /**
   * The first retry's delay in seconds; each next one doubles, with up to as much again at random
   * (pg-boss's backoff), so 20 s and 13 retries spread over 45 to 91 hours.
   */
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(20),
  /** An endpoint whose attempts all failed for this long is disabled (default 3 days). */
  WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce.number().int().min(1).default(259_200),
  /** How long one attempt may take, connection to last byte. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** How often the worker looks for new events to send (it also wakes when it sent a full batch). */
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** credits.expiring goes this many days before a grant expires (once per grant). */
  CREDITS_EXPIRING_NOTICE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /**
   * Days events, their deliveries and attempts are kept (the delivery log, resends) before the
   * worker deletes them; an event with a delivery still being sent is kept until it ends.
   */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
});

export interface WebhookConfig {
  allowPrivateUrls: boolean;
  retryLimit: number;
  retryDelaySeconds: number;
  disableAfterSeconds: number;
  timeoutMs: number;
  dispatchIntervalMs: number;
  expiringNoticeDays: number;
  retentionDays: number;
}

/** The delivery settings of `source`, and whether this process runs the worker (`workerByDefault` if unset). */
export function webhookConfigFrom(
  source: Record<string, string | undefined>,
  workerByDefault = false,
): WebhookConfig & { worker: boolean } {
  const env = parseEnvironment(webhookEnvSchema, "webhook delivery", source);
  return {
    worker: env.WEBHOOK_WORKER ? env.WEBHOOK_WORKER === "on" : workerByDefault,
    allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS
      ? env.WEBHOOK_ALLOW_PRIVATE_URLS === "on"
      : source.NODE_ENV === "development",
    retryLimit: env.WEBHOOK_RETRY_LIMIT,
    retryDelaySeconds: env.WEBHOOK_RETRY_DELAY_SECONDS,
    disableAfterSeconds: env.WEBHOOK_DISABLE_AFTER_SECONDS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    dispatchIntervalMs: env.WEBHOOK_DISPATCH_INTERVAL_MS,
    expiringNoticeDays: env.CREDITS_EXPIRING_NOTICE_DAYS,
    retentionDays: env.WEBHOOK_RETENTION_DAYS,
  };
}

let processConfig: (WebhookConfig & { worker: boolean }) | undefined;

/** The process's delivery settings (its environment, read on first use). */
export function getWebhookConfig(): WebhookConfig & { worker: boolean } {
  processConfig ??= webhookConfigFrom(process.env);
  return processConfig;
}
