// Plan features: recording and checking use against the period's quota.
import { z } from "zod";
import { featureNames } from "../plans.ts";
import { IdempotencyKey } from "./common.ts";

export const FeatureName = z.enum(featureNames, {
  error: `must be one of ${featureNames.join(", ")}`,
});

const UsageQuantity = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be greater than zero" })
  .max(1_000_000, { error: "must be at most 1,000,000 per call" });

export const UsageTrackInput = z.object({
  feature: FeatureName,
  quantity: UsageQuantity.default(1),
  idempotencyKey: IdempotencyKey,
});
export type UsageTrackInput = z.infer<typeof UsageTrackInput>;

export const UsageCheckInput = z.object({
  feature: FeatureName,
  quantity: UsageQuantity.default(1),
});
export type UsageCheckInput = z.infer<typeof UsageCheckInput>;

export const UsageByDayInput = z.object({
  days: z.union([z.literal(7), z.literal(30), z.literal(90)]).default(30),
});

export const QuotaStatus = z.object({
  feature: FeatureName,
  label: z.string(),
  unit: z.string(),
  kind: z.enum(["quota", "metered"]),
  used: z.number(),
  /** null: unlimited (or metered, paid in credits). */
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  // Coerced: a replayed (idempotent) result comes back from its stored JSON as a string.
  resetsAt: z.coerce.date(),
  creditsPerUnit: z.number().nullable(),
});
export type QuotaStatus = z.infer<typeof QuotaStatus>;

export const UsageCheckResult = QuotaStatus.extend({ allowed: z.boolean() });
export type UsageCheckResult = z.infer<typeof UsageCheckResult>;

export const UsageTrackResult = QuotaStatus.extend({
  /** Credits taken for a metered feature (0 for quotas). */
  creditsCharged: z.number(),
});
export type UsageTrackResult = z.infer<typeof UsageTrackResult>;
