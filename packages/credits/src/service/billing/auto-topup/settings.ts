// A user's auto top-up as they read and set it on the billing page (and operators read it), and
// the saved card, which the webhook of a setup-mode Checkout, or of a pack purchase that saved its
// card, stores (handlers.ts).
import type { Database } from "@credits/db";
import { StateConflictError } from "../../../errors.ts";
import { billingAppId, findCreditPack } from "../../../plans.ts";
import type {
  AdminAutoTopupView,
  AutoTopupAttemptView,
  AutoTopupView,
  SetAutoTopupInput,
} from "../../../schemas/auto-topup.ts";
import { type BillingConfig, paymentsConfigured } from "../../../stripe/config.ts";
import { auditAction } from "../../audit.ts";
import type { Actor, Queryable } from "../../types.ts";
import { assertUserExists } from "../../users.ts";

interface SettingsRow {
  enabled: boolean;
  below_credits: bigint | null;
  pack_id: string | null;
  monthly_cap_credits: bigint | null;
  card_brand: string | null;
  card_last4: string | null;
  disabled_reason: string | null;
}

interface AttemptRow {
  id: string;
  pack_id: string;
  credits: bigint;
  amount_cents: number;
  status: AutoTopupAttemptView["status"];
  payment_intent_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Date;
}

const number = (value: bigint | null) => (value === null ? null : Number(value));

function attemptView(row: AttemptRow): AutoTopupAttemptView {
  return {
    id: row.id,
    packId: row.pack_id,
    credits: Number(row.credits),
    amountCents: row.amount_cents,
    status: row.status,
    paymentIntentId: row.payment_intent_id,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    createdAt: row.created_at,
  };
}

/** The month's credits that count against the cap: charges pending or paid since the 1st (UTC). */
export async function boughtThisMonth(db: Queryable, userId: string, appId: string) {
  const [row] = await db.$queryRaw<{ credits: bigint }[]>`
    SELECT COALESCE(SUM(credits), 0)::bigint AS credits FROM auto_topup_attempts
    WHERE user_id = ${userId}::uuid AND app_id = ${appId} AND status IN ('pending', 'succeeded')
      AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
  return Number(row?.credits ?? 0);
}

/** The account's latest auto top-up charges, newest first. */
export async function listAutoTopupAttempts(
  db: Queryable,
  userId: string,
  limit: number,
  appId = billingAppId,
): Promise<AutoTopupAttemptView[]> {
  const rows = await db.$queryRaw<AttemptRow[]>`
    SELECT id::text AS id, pack_id, credits, amount_cents, status, payment_intent_id, failure_code,
      failure_message, created_at
    FROM auto_topup_attempts WHERE user_id = ${userId}::uuid AND app_id = ${appId}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
  return rows.map(attemptView);
}

/** The user's auto top-up in the app that billing credits. */
export async function getAutoTopup(
  db: Queryable,
  config: BillingConfig,
  userId: string,
): Promise<AutoTopupView> {
  const appId = billingAppId;
  const [row] = await db.$queryRaw<SettingsRow[]>`
    SELECT enabled, below_credits, pack_id, monthly_cap_credits, card_brand, card_last4,
      disabled_reason
    FROM auto_topup_settings WHERE user_id = ${userId}::uuid AND app_id = ${appId}`;
  const [last] = await listAutoTopupAttempts(db, userId, 1, appId);
  return {
    appId,
    enabled: row?.enabled ?? false,
    belowCredits: number(row?.below_credits ?? null),
    packId: row?.pack_id ?? null,
    monthlyCapCredits: number(row?.monthly_cap_credits ?? null),
    card:
      row?.card_brand && row.card_last4 ? { brand: row.card_brand, last4: row.card_last4 } : null,
    disabledReason: row?.disabled_reason ?? null,
    boughtThisMonth: await boughtThisMonth(db, userId, appId),
    lastAttempt: last ?? null,
    paymentsConfigured: paymentsConfigured(config),
  };
}

/** A user's auto top-up as operators see it: the settings and the latest 20 charges. */
export async function getAutoTopupForOperator(
  db: Database,
  config: BillingConfig,
  userId: string,
): Promise<AdminAutoTopupView> {
  await assertUserExists(db, userId);
  return {
    settings: await getAutoTopup(db, config, userId),
    attempts: await listAutoTopupAttempts(db, userId, 20),
  };
}

/**
 * Sets the user's auto top-up. Turning it on needs payments configured and a saved card, and
 * clears the reason a failed charge turned it off. Changing the settings starts nothing by itself:
 * the next round of the worker does, if available credits are below the threshold by then. A
 * service token's change is audit-logged (the user's own is theirs to see on the billing page).
 */
export async function setAutoTopup(
  db: Database,
  config: BillingConfig,
  actor: Actor,
  userId: string,
  input: SetAutoTopupInput,
): Promise<AutoTopupView> {
  const pack = findCreditPack(input.packId);
  if (!pack) throw new StateConflictError("There is no such credit pack.");
  if (input.enabled && !paymentsConfigured(config)) {
    throw new StateConflictError("Payments are not configured here, so auto top-up cannot be on.");
  }
  return db.$transaction(async (tx) => {
    const [saved] = await tx.$queryRaw<
      {
        card: string | null;
        enabled: boolean;
        below: bigint | null;
        pack: string | null;
        cap: bigint | null;
      }[]
    >`
      INSERT INTO auto_topup_settings (user_id, app_id) VALUES (${userId}::uuid, ${billingAppId})
      ON CONFLICT (user_id, app_id) DO UPDATE SET updated_at = auto_topup_settings.updated_at
      RETURNING stripe_payment_method_id AS card, enabled, below_credits AS below, pack_id AS pack,
        monthly_cap_credits AS cap`;
    if (input.enabled && !saved?.card) {
      throw new StateConflictError(
        "Save a card first (Save a card for auto top-up), then turn auto top-up on.",
      );
    }
    await tx.$executeRaw`
      UPDATE auto_topup_settings SET enabled = ${input.enabled},
        below_credits = ${input.belowCredits}::bigint, pack_id = ${pack.id},
        monthly_cap_credits = ${input.monthlyCapCredits}::bigint,
        disabled_reason = CASE WHEN ${input.enabled} THEN NULL ELSE disabled_reason END,
        updated_at = clock_timestamp()
      WHERE user_id = ${userId}::uuid AND app_id = ${billingAppId}`;
    await auditAction(tx, actor, {
      action: "auto_topup.set",
      targetUserId: userId,
      before: saved && {
        enabled: saved.enabled,
        belowCredits: number(saved.below),
        packId: saved.pack,
        monthlyCapCredits: number(saved.cap),
      },
      after: { ...input },
    });
    return getAutoTopup(tx, config, userId);
  });
}

/**
 * Keeps a saved card as the one auto top-up charges, in the webhook's transaction. A setup-mode
 * Checkout's card replaces any earlier one (`replace`: saving a card for auto top-up is what the
 * user asked for); a card a pack purchase saved (the user opted in) is kept only when none is saved
 * yet. True when the card was stored; a second delivery stores the same again or nothing.
 */
export async function saveAutoTopupCard(
  tx: Queryable,
  userId: string,
  card: { paymentMethodId: string; brand: string; last4: string },
  options: { replace: boolean },
): Promise<boolean> {
  const stored = await tx.$executeRaw`
    INSERT INTO auto_topup_settings (user_id, app_id, stripe_payment_method_id, card_brand, card_last4)
    VALUES (${userId}::uuid, ${billingAppId}, ${card.paymentMethodId}, ${card.brand}, ${card.last4})
    ON CONFLICT (user_id, app_id) DO UPDATE SET
      stripe_payment_method_id = EXCLUDED.stripe_payment_method_id,
      card_brand = EXCLUDED.card_brand, card_last4 = EXCLUDED.card_last4,
      updated_at = clock_timestamp()
    WHERE ${options.replace} OR auto_topup_settings.stripe_payment_method_id IS NULL`;
  return stored > 0;
}
