// Usage of plan features. A quota feature counts per period and refuses beyond the tier's limit:
// one conditional upsert both checks and records, so concurrent calls can never overshoot. A
// metered feature takes its cost from the ledger in the same transaction.
import type { Database } from "@credits/db";
import { QuotaExceededError } from "../errors.ts";
import { type Feature, featureNames, features, plans, type Tier } from "../plans.ts";
import type {
  QuotaStatus,
  UsageCheckInput,
  UsageCheckResult,
  UsageTrackInput,
  UsageTrackResult,
} from "../schemas/usage.ts";
import type { BillingConfig } from "../stripe/config.ts";
import { effectiveTier, quotaPeriod, readSubscription } from "./billing/subscription-state.ts";
import { runIdempotent } from "./idempotency.ts";
import { available, debitAccount } from "./ledger.ts";
import type { Actor, Queryable, Tx } from "./types.ts";
import { assertUserExists } from "./users.ts";

interface PlanContext {
  tier: Tier;
  period: { start: Date; end: Date };
}

async function planContext(db: Queryable, config: BillingConfig, userId: string, now: Date) {
  const row = await readSubscription(db, userId);
  const tier = effectiveTier(row, now, config.graceDays);
  return { tier, period: quotaPeriod(row, tier, now) } satisfies PlanContext;
}

function limitOf(tier: Tier, feature: Feature): number | null {
  const definition = features[feature];
  if (definition.kind !== "quota") return null;
  return plans[tier].quotas[feature as keyof (typeof plans)[Tier]["quotas"]];
}

function quotaStatus(feature: Feature, used: number, plan: PlanContext): QuotaStatus {
  const definition: (typeof features)[Feature] = features[feature];
  const limit = limitOf(plan.tier, feature);
  return {
    feature,
    label: definition.label,
    unit: definition.unit,
    kind: definition.kind,
    used,
    limit,
    remaining: limit === null ? null : Math.max(0, limit - used),
    resetsAt: plan.period.end,
    creditsPerUnit: definition.kind === "metered" ? definition.creditsPerUnit : null,
  };
}

async function usedInPeriod(
  db: Queryable,
  userId: string,
  periodStart: Date,
): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ feature: string; used: bigint }[]>`
    SELECT feature, used FROM usage_counters
    WHERE user_id = ${userId}::uuid AND period_start = ${periodStart}`;
  return new Map(rows.map((row) => [row.feature, Number(row.used)]));
}

/** Used, limit and reset time of every feature for the user's current period. */
export async function listQuotas(
  db: Database,
  config: BillingConfig,
  userId: string,
  now: Date = new Date(),
): Promise<QuotaStatus[]> {
  const plan = await planContext(db, config, userId, now);
  const used = await usedInPeriod(db, userId, plan.period.start);
  return featureNames.map((feature) => quotaStatus(feature, used.get(feature) ?? 0, plan));
}

/** Whether `quantity` more of the feature would be allowed now, without recording anything. */
export async function checkUsage(
  db: Database,
  config: BillingConfig,
  userId: string,
  input: UsageCheckInput,
): Promise<UsageCheckResult> {
  const now = new Date();
  const plan = await planContext(db, config, userId, now);
  const used = (await usedInPeriod(db, userId, plan.period.start)).get(input.feature) ?? 0;
  const status = quotaStatus(input.feature, used, plan);
  const definition: (typeof features)[Feature] = features[input.feature];
  if (definition.kind === "metered") {
    const balances = await db.$queryRaw<{ balance: bigint; held: bigint }[]>`
      SELECT a.balance,
        (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
          WHERE h.account_id = a.id AND h.status = 'ACTIVE' AND h.expires_at > now())::bigint AS held
      FROM credit_accounts a WHERE a.user_id = ${userId}::uuid AND a.app_id = ${definition.appId}`;
    const account = balances[0];
    const spendable = account
      ? available({ balance: Number(account.balance), held: Number(account.held) })
      : 0;
    return {
      ...status,
      allowed: spendable >= definition.creditsPerUnit * input.quantity,
      remaining: Math.floor(spendable / definition.creditsPerUnit),
    };
  }
  return {
    ...status,
    allowed: status.limit === null || used + input.quantity <= status.limit,
  };
}

/**
 * Adds `quantity` to the period's counter unless that passes `limit` (null: no limit), in one
 * statement; returns the new count, or null when refused.
 */
async function addToCounter(
  tx: Tx,
  userId: string,
  feature: Feature,
  plan: PlanContext,
  quantity: number,
  limit: number | null,
): Promise<number | null> {
  const rows = await tx.$queryRaw<{ used: bigint }[]>`
    INSERT INTO usage_counters (user_id, feature, period_start, period_end, used)
    SELECT ${userId}::uuid, ${feature}, ${plan.period.start}, ${plan.period.end}, ${quantity}::bigint
    WHERE ${limit}::bigint IS NULL OR ${quantity}::bigint <= ${limit}::bigint
    ON CONFLICT (user_id, feature, period_start) DO UPDATE
      SET used = usage_counters.used + EXCLUDED.used, updated_at = now()
      WHERE ${limit}::bigint IS NULL OR usage_counters.used + EXCLUDED.used <= ${limit}::bigint
    RETURNING used`;
  const row = rows[0];
  if (!row) return null;
  await tx.$executeRaw`
    INSERT INTO usage_daily (user_id, feature, day, quantity)
    VALUES (${userId}::uuid, ${feature}, (now() AT TIME ZONE 'UTC')::date, ${quantity}::bigint)
    ON CONFLICT (user_id, day, feature) DO UPDATE SET quantity = usage_daily.quantity + EXCLUDED.quantity`;
  return Number(row.used);
}

/**
 * Records use of a feature, at most once per idempotency key. A quota feature is refused (nothing
 * recorded) beyond the tier's limit for the period; a metered one is paid in credits, refused when
 * they do not suffice.
 */
export function trackUsage(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  userId: string,
  input: UsageTrackInput,
): Promise<UsageTrackResult> {
  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    db,
    { actor, key: idempotencyKey, operation: "usage.track", request: { userId, ...request } },
    async (tx) => {
      const now = new Date();
      const plan = await planContext(tx, config, userId, now);
      const definition: (typeof features)[Feature] = features[input.feature];
      let creditsCharged = 0;
      if (definition.kind === "metered") {
        creditsCharged = definition.creditsPerUnit * input.quantity;
        await debitAccount(
          tx,
          { userId, appId: definition.appId, amount: creditsCharged },
          {
            type: "SPEND",
            description: `${definition.label}: ${input.quantity} ${definition.unit}${input.quantity === 1 ? "" : "s"}`,
            actor,
            idempotencyKey,
            metadata: { feature: input.feature, quantity: input.quantity },
          },
        );
      } else {
        // The user must exist: an unknown id would otherwise count usage for nobody.
        await assertUserExists(tx, userId);
      }
      const limit = limitOf(plan.tier, input.feature);
      const used = await addToCounter(tx, userId, input.feature, plan, input.quantity, limit);
      if (used === null) {
        const current = (await usedInPeriod(tx, userId, plan.period.start)).get(input.feature) ?? 0;
        throw new QuotaExceededError(input.feature, current, limit ?? 0, plan.period.end);
      }
      return { ...quotaStatus(input.feature, used, plan), creditsCharged };
    },
  );
}

/** Use per feature per day over the last `days` days (UTC), oldest first, for charts. */
export async function usageByDay(
  db: Database,
  userId: string,
  days: number,
): Promise<{ day: string; feature: Feature; quantity: number }[]> {
  const rows = await db.$queryRaw<{ day: Date; feature: string; quantity: bigint }[]>`
    SELECT day, feature, quantity FROM usage_daily
    WHERE user_id = ${userId}::uuid
      AND day > (now() AT TIME ZONE 'UTC')::date - ${days}::int
    ORDER BY day, feature`;
  return rows
    .filter((row) => (featureNames as string[]).includes(row.feature))
    .map((row) => ({
      day: row.day.toISOString().slice(0, 10),
      feature: row.feature as Feature,
      quantity: Number(row.quantity),
    }));
}
