// /api/credits/{userId}/…: balances, grants, spends, history, transfers and purchases.

import { customerToDebit, findCustomer, findOrCreateCustomer } from "../../service/customers.ts";
import { createPurchase, grantCredits, spendCredits } from "../../service/operations.ts";
import { getBalances, listHistory, listPurchases } from "../../service/queries.ts";
import { transferCredits } from "../../service/transfers.ts";
import { defineRoute, recordedBy } from "../route.ts";
import {
  AddCreditsBody,
  BalanceQuery,
  BalanceResponse,
  DeductCreditsBody,
  HistoryQuery,
  HistoryResponse,
  LedgerResponse,
  PurchaseBody,
  PurchaseResponse,
  PurchasesQuery,
  PurchasesResponse,
  TransferBody,
  UserPath,
} from "../schemas.ts";
import {
  balanceResponse,
  historyResponse,
  ledgerResponse,
  purchaseResponse,
  purchasesResponse,
  userIds,
} from "../serializers.ts";

const userOf = (params: { userId: string }) => params.userId;

const grantSources = {
  purchase: "PURCHASE",
  promotion: "PROMOTION",
  subscription: "SUBSCRIPTION",
  refund: "REFUND",
} as const;

export const creditRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/credits/{userId}/balance",
    scope: "read",
    tag: "Credits",
    summary: "A user's balance, in total and per app (`app_id` narrows to one app).",
    params: UserPath,
    query: BalanceQuery,
    response: BalanceResponse,
    errors: [404],
    userOf,
    async handle({ db, params, query }) {
      const userId = await findCustomer(db, params.userId);
      const balances = userId
        ? await getBalances(db, userId, query.app_id)
        : { total: 0, available: 0, held: 0, apps: [] };
      return balanceResponse(userIds(params.userId, userId), balances);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/add",
    scope: "write",
    tag: "Credits",
    summary: "Adds credits (a grant, optionally expiring).",
    params: UserPath,
    body: AddCreditsBody,
    response: LedgerResponse,
    errors: [404, 409],
    userOf,
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return ledgerResponse(
        await grantCredits(db, recordedBy(actor, body), {
          userId: await findOrCreateCustomer(db, params.userId),
          appId: body.app_id,
          amount: body.amount,
          description: body.description,
          expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
          source: grantSources[body.source],
          idempotencyKey,
        }),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/deduct",
    scope: "write",
    tag: "Credits",
    summary: "Deducts credits; 402 with the available balance when they do not suffice.",
    params: UserPath,
    body: DeductCreditsBody,
    response: LedgerResponse,
    errors: [402, 404, 409],
    userOf,
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return ledgerResponse(
        await spendCredits(
          db,
          recordedBy(actor, body),
          await customerToDebit(db, params.userId, body.amount),
          {
            appId: body.app_id,
            amount: body.amount,
            description: body.description,
            idempotencyKey,
          },
        ),
      );
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/credits/{userId}/history",
    scope: "read",
    tag: "Credits",
    summary: "The ledger, newest first, a keyset page at a time (`next_cursor`).",
    params: UserPath,
    query: HistoryQuery,
    response: HistoryResponse,
    errors: [404],
    userOf,
    async handle({ db, params, query }) {
      const userId = await findCustomer(db, params.userId);
      if (!userId) return historyResponse(params.userId, { entries: [], nextCursor: null });
      const page = await listHistory(db, userId, {
        limit: query.limit,
        cursor: query.cursor,
        appId: query.app_id,
        types: query.type ? [query.type] : undefined,
      });
      return historyResponse(params.userId, page);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/transfer",
    scope: "write",
    tag: "Credits",
    summary: "Moves credits to another user in the same app.",
    params: UserPath,
    body: TransferBody,
    response: LedgerResponse,
    errors: [402, 404, 409],
    userOf,
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return ledgerResponse(
        await transferCredits(
          db,
          recordedBy(actor, body),
          await customerToDebit(db, params.userId, body.amount),
          {
            appId: body.app_id,
            to: { userId: await findOrCreateCustomer(db, body.to_user_id) },
            amount: body.amount,
            description: body.description ?? "Transfer",
            idempotencyKey,
          },
        ),
      );
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/credits/{userId}/purchases",
    scope: "write",
    tag: "Credits",
    summary: "Buys an item with credits; 402 when they do not suffice.",
    params: UserPath,
    body: PurchaseBody,
    response: PurchaseResponse,
    errors: [402, 404, 409],
    userOf,
    idempotency: "service",
    async handle({ db, actor, params, body, idempotencyKey }) {
      return purchaseResponse(
        await createPurchase(
          db,
          recordedBy(actor, body),
          await customerToDebit(db, params.userId, body.credits),
          {
            appId: body.app_id,
            itemId: body.item_id,
            itemName: body.item_name,
            credits: body.credits,
            idempotencyKey,
          },
        ),
      );
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/credits/{userId}/purchases",
    scope: "read",
    tag: "Credits",
    summary: "Items the user bought with credits, newest first, a keyset page at a time.",
    params: UserPath,
    query: PurchasesQuery,
    response: PurchasesResponse,
    errors: [404],
    userOf,
    async handle({ db, params, query }) {
      const userId = await findCustomer(db, params.userId);
      if (!userId) return purchasesResponse({ purchases: [], nextCursor: null });
      const page = await listPurchases(db, userId, {
        appId: query.app_id,
        cursor: query.cursor,
        limit: query.limit,
      });
      return purchasesResponse(page);
    },
  }),
];
