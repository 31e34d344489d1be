// The service layer's results in the REST API's snake_case shapes (rest/schemas.ts declares them).

import type { z } from "zod";
import type { AutoTopupAttemptView, AutoTopupView } from "../schemas/auto-topup.ts";
import type { SubscriptionView } from "../schemas/billing.ts";
import type { HistoryOutput, PurchasesOutput } from "../schemas/credits.ts";
import type { ThresholdStatus } from "../schemas/thresholds.ts";
import type { Customer, CustomerSignInLink } from "../service/customers.ts";
import type { getBalances } from "../service/queries.ts";

export const iso = (value: Date | string | null | undefined) =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export const ledgerResponse = (result: {
  balance: number;
  available: number;
  transactionId: string;
}) => ({
  success: true as const,
  balance: result.balance,
  available: result.available,
  transaction_id: result.transactionId,
});

/** The id the caller named the user by, and this platform's (null when not a customer yet). */
export const userIds = (ref: string, platformUserId: string | null) => ({
  user_id: ref,
  platform_user_id: platformUserId,
});

export const customerResponse = (ref: string, customer: Customer) => ({
  ...userIds(ref, customer.userId),
  platform_user_id: customer.userId,
  external_id: customer.externalId,
  email: customer.email,
  name: customer.name,
  created_at: customer.createdAt.toISOString(),
});

export const signInLinkResponse = (ref: string, link: CustomerSignInLink) => ({
  ...userIds(ref, link.userId),
  platform_user_id: link.userId,
  url: link.url,
  path: link.path,
  expires_at: link.expiresAt.toISOString(),
});

export const balanceResponse = (
  ids: ReturnType<typeof userIds>,
  balances: Awaited<ReturnType<typeof getBalances>>,
) => ({
  ...ids,
  balance: balances.total,
  balances: balances.apps.map((app) => ({
    app_id: app.appId,
    balance: app.balance,
    available: app.available,
    held: app.held,
  })),
});

export const historyResponse = (userId: string, page: z.infer<typeof HistoryOutput>) => ({
  transactions: page.entries.map((entry) => ({
    id: entry.id,
    user_id: userId,
    app_id: entry.appId,
    type: entry.type,
    amount: entry.amount,
    balance: entry.balanceAfter,
    description: entry.description,
    created_at: entry.createdAt.toISOString(),
    created_by: entry.recordedBy,
    actor: { type: entry.actorType, id: entry.actorId },
  })),
  next_cursor: page.nextCursor,
});

export const purchaseResponse = (result: {
  purchaseId: string;
  balance: number;
  transactionId: string;
}) => ({
  success: true as const,
  purchase_id: result.purchaseId,
  balance: result.balance,
  transaction_id: result.transactionId,
});

export const purchasesResponse = (page: z.infer<typeof PurchasesOutput>) => ({
  purchases: page.purchases.map((purchase) => ({
    id: purchase.id,
    app_id: purchase.appId,
    item_id: purchase.itemId,
    item_name: purchase.itemName,
    credits: purchase.credits,
    refunded_credits: purchase.refundedCredits,
    status: purchase.status,
    created_at: purchase.createdAt.toISOString(),
    created_by: purchase.recordedBy,
    actor: { type: purchase.createdByType, id: purchase.createdById },
  })),
  next_cursor: page.nextCursor,
});

export const holdResponse = (hold: {
  holdId: string;
  status: "ACTIVE" | "CAPTURED" | "RELEASED" | "EXPIRED";
  amount: number;
  capturedAmount: number;
  expiresAt: string;
  available: number;
  transactionId: string | null;
}) => ({
  hold_id: hold.holdId,
  status: hold.status,
  amount: hold.amount,
  captured_amount: hold.capturedAmount,
  expires_at: hold.expiresAt,
  available: hold.available,
  transaction_id: hold.transactionId,
});

export const subscriptionResponse = (
  ids: ReturnType<typeof userIds>,
  view: SubscriptionView,
  checkoutUrl: string | null = null,
) => ({
  ...ids,
  tier: view.tier,
  subscribed_tier: view.subscribedTier,
  status: view.status,
  current_period_start: iso(view.currentPeriodStart),
  current_period_end: iso(view.currentPeriodEnd),
  cancel_at_period_end: view.cancelAtPeriodEnd,
  pending_tier: view.pendingTier,
  managed_by: view.managedBy,
  checkout_url: checkoutUrl,
});

export const thresholdResponse = (ids: ReturnType<typeof userIds>, status: ThresholdStatus) => ({
  ...ids,
  app_id: status.appId,
  threshold: status.threshold,
  custom: status.custom,
  default_threshold: status.defaultThreshold,
  available: status.available,
  low: status.low,
});

export const quotaFields = (quota: {
  feature: string;
  kind: "quota" | "metered";
  used: number;
  limit: number | null;
  remaining: number | null;
  resetsAt: Date | string;
}) => ({
  feature: quota.feature,
  kind: quota.kind,
  used: quota.used,
  limit: quota.limit,
  remaining: quota.remaining,
  resets_at: new Date(quota.resetsAt).toISOString(),
});

const autoTopupAttemptResponse = (attempt: AutoTopupAttemptView) => ({
  id: attempt.id,
  pack_id: attempt.packId,
  credits: attempt.credits,
  amount_cents: attempt.amountCents,
  status: attempt.status,
  payment_intent_id: attempt.paymentIntentId,
  failure_code: attempt.failureCode,
  failure_message: attempt.failureMessage,
  created_at: attempt.createdAt.toISOString(),
});

export const autoTopupResponse = (ids: ReturnType<typeof userIds>, view: AutoTopupView) => ({
  ...ids,
  app_id: view.appId,
  enabled: view.enabled,
  below_credits: view.belowCredits,
  pack_id: view.packId,
  monthly_cap_credits: view.monthlyCapCredits,
  card: view.card,
  disabled_reason: view.disabledReason,
  bought_this_month: view.boughtThisMonth,
  last_attempt: view.lastAttempt ? autoTopupAttemptResponse(view.lastAttempt) : null,
  payments_configured: view.paymentsConfigured,
});
