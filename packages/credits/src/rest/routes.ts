// The REST API of the original design (../shared/design/credits-service-design.md): each route
// declares its path, scope and schemas (which also make the OpenAPI document) and calls the same
// service functions as the tRPC procedures.
import type { Database } from "@credits/db";
import type { z } from "zod";
import { NotFoundError } from "../errors.ts";
import { type Tier, tierRank } from "../plans.ts";
import {
  cancelByHand,
  changePlan,
  getSubscription,
  setTierByHand,
  startSubscriptionCheckout,
} from "../service/billing.ts";
import { captureHold, releaseHold, reserveHold } from "../service/holds.ts";
import {
  createPurchase,
  grantCredits,
  spendCredits,
  transferCredits,
} from "../service/operations.ts";
import { getBalances, listHistory, listPurchases } from "../service/queries.ts";
import { readSubscription } from "../service/subscriptions.ts";
import type { TokenScope } from "../service/tokens.ts";
import type { Actor } from "../service/types.ts";
import { checkUsage, listQuotas, trackUsage } from "../service/usage.ts";
import { type BillingConfig, paymentsConfigured } from "../stripe/config.ts";
import {
  AddCreditsBody,
  BalanceQuery,
  BalanceResponse,
  CancelBody,
  CaptureBody,
  DeductCreditsBody,
  EmptyBody,
  HistoryQuery,
  HistoryResponse,
  HoldBody,
  HoldPath,
  HoldResponse,
  LedgerResponse,
  PurchaseBody,
  PurchaseResponse,
  PurchasesQuery,
  PurchasesResponse,
  QuotasResponse,
  SubscriptionResponse,
  TrackUsageBody,
  TransferBody,
  UpgradeBody,
  UsageCheckQuery,
  UsageCheckResponse,
  UsageTrackResponse,
  UserPath,
} from "./schemas.ts";

export interface RouteContext<P, Q, B> {
  db: Database;
  billing: BillingConfig;
  actor: Actor;
  origin: string;
  params: P;
  query: Q;
  body: B;
  /** The Idempotency-Key header, or one generated for a POST without it. */
  idempotencyKey: string;
}

export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: "GET" | "POST";
  /** With `{name}` placeholders, as in OpenAPI. */
  path: string;
  scope: TokenScope;
  summary: string;
  tag: "Credits" | "Holds" | "Subscriptions" | "Usage";
  params: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType;
  /** Error statuses this route can answer besides 400, 401, 403, 429 (documented). */
  errors: number[];
  /** Which path parameter names the user, for the per-user rate limit. */
  userParam?: "userId";
  /**
   * "service": the key goes to the service, whose transaction stores the result (ledger writes);
   * "rest": the REST layer stores the response (changes made through Stripe).
   */
  idempotency?: "service" | "rest";
  handle(context: RouteContext<P, Q, B>): Promise<unknown>;
}

function route<P, Q, B>(definition: Route<P, Q, B>): Route {
  return definition as unknown as Route;
}

const iso = (value: Date | string | null | undefined) =>
  value === null || value === undefined ? null : new Date(value).toISOString();

async function assertUser(db: Database, userId: string): Promise<void> {
  const found = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!found) throw new NotFoundError("user", userId);
}

const ledgerResponse = (result: { balance: number; available: number; transactionId: string }) => ({
  success: true as const,
  balance: result.balance,
  available: result.available,
  transaction_id: result.transactionId,
});

const quotaFields = (quota: {
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

async function subscriptionResponse(
  db: Database,
  billing: BillingConfig,
  userId: string,
  checkoutUrl: string | null = null,
) {
  const view = await getSubscription(db, billing, userId);
  return {
    user_id: userId,
    tier: view.tier,
    subscribed_tier: view.subscribedTier,
    status: view.status,
    current_period_start: iso(view.currentPeriodStart),
    current_period_end: iso(view.currentPeriodEnd),
    cancel_at_period_end: view.cancelAtPeriodEnd,
    pending_tier: view.pendingTier,
    managed_by: view.managedBy,
    checkout_url: checkoutUrl,
  };
}

const serviceReason = (actor: Actor) => `Changed through the service API (token ${actor.id})`;

/**
 * Moves a user to `tier` for another backend: through Stripe when it bills the user (a first paid
 * plan needs the user at Checkout, so its URL is returned), by hand when payments are not set up.
 */
async function upgradeSubscription(
  context: RouteContext<{ userId: string }, unknown, { tier: Tier }>,
) {
  const { db, billing, actor, params, body } = context;
  await assertUser(db, params.userId);
  const row = await readSubscription(db, params.userId);
  const stripeLive =
    row?.stripe_subscription_id && row.status !== "CANCELED" && row.status !== "INCOMPLETE";
  if (!paymentsConfigured(billing)) {
    await setTierByHand(db, billing, actor, {
      userId: params.userId,
      tier: body.tier,
      reason: serviceReason(actor),
    });
  } else if (stripeLive) {
    await changePlan(db, billing, params.userId, body.tier);
  } else if (tierRank[body.tier] > 0) {
    const checkout = await startSubscriptionCheckout(
      db,
      billing,
      params.userId,
      body.tier as Exclude<Tier, "FREE">,
      context.origin,
    );
    return subscriptionResponse(db, billing, params.userId, checkout.url);
  }
  return subscriptionResponse(db, billing, params.userId);
}

export const routes: Route[] = [
  route({
    method: "GET",
    path: "/api/credits/{userId}/balance",
    scope: "read",
    tag: "Credits",
    summary: "A user's balance, in total and per app (`app_id` narrows to one app).",
    params: UserPath,
    query: BalanceQuery,
    response: BalanceResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, params, query }) {
      await assertUser(db, params.userId);
      const balances = await getBalances(db, params.userId, query.app_id);
      return {
        user_id: params.userId,
        balance: balances.total,
        balances: balances.apps.map((app) => ({
          app_id: app.appId,
          balance: app.balance,
          available: app.available,
          held: app.held,
        })),
      };
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/{userId}/add",
    scope: "write",
    tag: "Credits",
    summary: "Adds credits (a grant, optionally expiring).",
    params: UserPath,
    body: AddCreditsBody,
    response: LedgerResponse,
    errors: [404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      const sources = {
        purchase: "PURCHASE",
        promotion: "PROMOTION",
        subscription: "SUBSCRIPTION",
        refund: "REFUND",
      } as const;
      return ledgerResponse(
        await grantCredits(db, actor, {
          userId: params.userId,
          appId: body.app_id ?? "default",
          amount: body.amount,
          description: body.description,
          expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
          source: sources[body.source],
          idempotencyKey,
        }),
      );
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/{userId}/deduct",
    scope: "write",
    tag: "Credits",
    summary: "Deducts credits; 402 with the available balance when they do not suffice.",
    params: UserPath,
    body: DeductCreditsBody,
    response: LedgerResponse,
    errors: [402, 404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return ledgerResponse(
        await spendCredits(db, actor, params.userId, {
          appId: body.app_id ?? "default",
          amount: body.amount,
          description: body.description,
          idempotencyKey,
        }),
      );
    },
  }),
  route({
    method: "GET",
    path: "/api/credits/{userId}/history",
    scope: "read",
    tag: "Credits",
    summary: "The ledger, newest first, a keyset page at a time (`next_cursor`).",
    params: UserPath,
    query: HistoryQuery,
    response: HistoryResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, params, query }) {
      await assertUser(db, params.userId);
      const page = await listHistory(db, params.userId, {
        limit: query.limit,
        cursor: query.cursor,
        appId: query.app_id,
        types: query.type ? [query.type] : undefined,
      });
      return {
        transactions: page.entries.map((entry) => ({
          id: entry.id,
          user_id: params.userId,
          app_id: entry.appId,
          type: entry.type,
          amount: entry.amount,
          balance: entry.balanceAfter,
          description: entry.description,
          created_at: entry.createdAt.toISOString(),
          created_by: { type: entry.actorType, id: entry.actorId },
        })),
        next_cursor: page.nextCursor,
      };
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/{userId}/transfer",
    scope: "write",
    tag: "Credits",
    summary: "Moves credits to another user in the same app.",
    params: UserPath,
    body: TransferBody,
    response: LedgerResponse,
    errors: [402, 404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return ledgerResponse(
        await transferCredits(db, actor, params.userId, {
          appId: body.app_id ?? "default",
          to: { userId: body.to_user_id },
          amount: body.amount,
          description: body.description ?? "Transfer",
          idempotencyKey,
        }),
      );
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/{userId}/purchases",
    scope: "write",
    tag: "Credits",
    summary: "Buys an item with credits; 402 when they do not suffice.",
    params: UserPath,
    body: PurchaseBody,
    response: PurchaseResponse,
    errors: [402, 404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      const result = await createPurchase(db, actor, params.userId, {
        appId: body.app_id ?? "default",
        itemId: body.item_id,
        itemName: body.item_name,
        credits: body.credits,
        idempotencyKey,
      });
      return {
        success: true,
        purchase_id: result.purchaseId,
        balance: result.balance,
        transaction_id: result.transactionId,
      };
    },
  }),
  route({
    method: "GET",
    path: "/api/credits/{userId}/purchases",
    scope: "read",
    tag: "Credits",
    summary: "Items the user bought with credits, newest first, a keyset page at a time.",
    params: UserPath,
    query: PurchasesQuery,
    response: PurchasesResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, params, query }) {
      await assertUser(db, params.userId);
      const page = await listPurchases(db, params.userId, {
        appId: query.app_id,
        cursor: query.cursor,
        limit: query.limit,
      });
      return {
        purchases: page.purchases.map((purchase) => ({
          id: purchase.id,
          app_id: purchase.appId,
          item_id: purchase.itemId,
          item_name: purchase.itemName,
          credits: purchase.credits,
          refunded_credits: purchase.refundedCredits,
          status: purchase.status,
          created_at: purchase.createdAt.toISOString(),
        })),
        next_cursor: page.nextCursor,
      };
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/{userId}/holds",
    scope: "write",
    tag: "Holds",
    summary: "Reserves credits for `ttl_seconds`; capture what the work cost, or release.",
    params: UserPath,
    body: HoldBody,
    response: HoldResponse,
    errors: [402, 404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return holdResponse(
        await reserveHold(db, actor, params.userId, {
          appId: body.app_id ?? "default",
          amount: body.amount,
          ttlSeconds: body.ttl_seconds,
          description: body.description,
          idempotencyKey,
        }),
      );
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/holds/{holdId}/capture",
    scope: "write",
    tag: "Holds",
    summary: "Captures `amount` (at most what was reserved) of an active hold.",
    params: HoldPath,
    body: CaptureBody,
    response: HoldResponse,
    errors: [402, 404, 409],
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return holdResponse(
        await captureHold(db, actor, {
          holdId: params.holdId,
          amount: body.amount,
          idempotencyKey,
        }),
      );
    },
  }),
  route({
    method: "POST",
    path: "/api/credits/holds/{holdId}/release",
    scope: "write",
    tag: "Holds",
    summary: "Releases an active hold (an expired one answers with its state).",
    params: HoldPath,
    body: EmptyBody,
    response: HoldResponse,
    errors: [404, 409],
    idempotency: "service",
    async handle({ db, actor, params, idempotencyKey }) {
      return holdResponse(await releaseHold(db, actor, { holdId: params.holdId, idempotencyKey }));
    },
  }),
  route({
    method: "GET",
    path: "/api/subscriptions/{userId}",
    scope: "read",
    tag: "Subscriptions",
    summary: "The user's plan: the tier that applies now, status and period.",
    params: UserPath,
    response: SubscriptionResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, billing, params }) {
      await assertUser(db, params.userId);
      return subscriptionResponse(db, billing, params.userId);
    },
  }),
  route({
    method: "POST",
    path: "/api/subscriptions/{userId}/upgrade",
    scope: "write",
    tag: "Subscriptions",
    summary:
      "Changes the tier: through Stripe when it bills the user (a first paid plan answers with a `checkout_url` to send the user to), by hand when payments are not configured.",
    params: UserPath,
    body: UpgradeBody,
    response: SubscriptionResponse,
    errors: [404, 409, 412],
    userParam: "userId",
    idempotency: "rest",
    handle: upgradeSubscription,
  }),
  route({
    method: "POST",
    path: "/api/subscriptions/{userId}/cancel",
    scope: "write",
    tag: "Subscriptions",
    summary: "Cancels at the end of the period (default) or at once.",
    params: UserPath,
    body: CancelBody,
    response: SubscriptionResponse,
    errors: [404, 409, 412],
    userParam: "userId",
    idempotency: "rest",
    async handle({ db, billing, actor, params, body }) {
      await cancelByHand(db, billing, actor, {
        userId: params.userId,
        atPeriodEnd: body.at_period_end,
        reason: serviceReason(actor),
      });
      return subscriptionResponse(db, billing, params.userId);
    },
  }),
  route({
    method: "GET",
    path: "/api/subscriptions/{userId}/quotas",
    scope: "read",
    tag: "Usage",
    summary: "Used, limit and reset time of every feature in the current period.",
    params: UserPath,
    response: QuotasResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, billing, params }) {
      await assertUser(db, params.userId);
      const view = await getSubscription(db, billing, params.userId);
      const quotas = await listQuotas(db, billing, params.userId);
      return { user_id: params.userId, tier: view.tier, quotas: quotas.map(quotaFields) };
    },
  }),
  route({
    method: "POST",
    path: "/api/usage/{userId}/track",
    scope: "write",
    tag: "Usage",
    summary:
      "Records use of a feature; 429 beyond the quota (nothing recorded), 402 when a metered feature's credits do not suffice.",
    params: UserPath,
    body: TrackUsageBody,
    response: UsageTrackResponse,
    errors: [402, 404, 409],
    userParam: "userId",
    idempotency: "service",
    async handle({ db, billing, actor, params, body, idempotencyKey }) {
      const result = await trackUsage(db, billing, actor, params.userId, {
        feature: body.feature,
        quantity: body.quantity,
        idempotencyKey,
      });
      return { success: true, ...quotaFields(result), credits_charged: result.creditsCharged };
    },
  }),
  route({
    method: "GET",
    path: "/api/usage/{userId}/check",
    scope: "read",
    tag: "Usage",
    summary: "Whether `quantity` more of a feature is allowed now, without recording it.",
    params: UserPath,
    query: UsageCheckQuery,
    response: UsageCheckResponse,
    errors: [404],
    userParam: "userId",
    async handle({ db, billing, params, query }) {
      await assertUser(db, params.userId);
      const result = await checkUsage(db, billing, params.userId, query);
      return { allowed: result.allowed, ...quotaFields(result) };
    },
  }),
];

function holdResponse(hold: {
  holdId: string;
  status: "ACTIVE" | "CAPTURED" | "RELEASED" | "EXPIRED";
  amount: number;
  capturedAmount: number;
  expiresAt: string;
  available: number;
  transactionId: string | null;
}) {
  return {
    hold_id: hold.holdId,
    status: hold.status,
    amount: hold.amount,
    captured_amount: hold.capturedAmount,
    expires_at: hold.expiresAt,
    available: hold.available,
    transaction_id: hold.transactionId,
  };
}
