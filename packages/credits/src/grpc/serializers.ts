// Service results as the proto's messages: the one place their fields are named. `userRef` is the
// id the caller named the user by, echoed as REST does.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { getBalances, listHistory, listPurchases } from "../service/queries.ts";
import {
  type Balance,
  BalanceSchema,
  type CreditTransaction,
  CreditTransactionSchema,
  type Purchase,
  PurchaseSchema,
  type UserCredits,
  UserCreditsSchema,
} from "./generated/credits/v1/credits_pb.ts";

type Balances = Awaited<ReturnType<typeof getBalances>>;
type HistoryEntry = Awaited<ReturnType<typeof listHistory>>["entries"][number];
type PurchaseRow = Awaited<ReturnType<typeof listPurchases>>["purchases"][number];

export function balanceMessage(appId: string, balance: number): Balance {
  return create(BalanceSchema, { appId, balance: BigInt(balance) });
}

export function userCreditsMessage(
  userRef: string,
  platformUserId: string | null,
  balances: Balances,
): UserCredits {
  return create(UserCreditsSchema, {
    userId: userRef,
    platformUserId: platformUserId ?? "",
    balances: balances.apps.map((app) => balanceMessage(app.appId, app.balance)),
  });
}

export function transactionMessage(userRef: string, entry: HistoryEntry): CreditTransaction {
  return create(CreditTransactionSchema, {
    id: entry.id,
    userId: userRef,
    appId: entry.appId,
    type: entry.type,
    credits: BigInt(entry.amount),
    balance: BigInt(entry.balanceAfter),
    description: entry.description,
    createdAt: timestampFromDate(entry.createdAt),
    createdBy: {
      type: entry.actorType,
      id: entry.actorId ?? "",
      recordedBy: entry.recordedBy ?? "",
    },
  });
}

export function purchaseMessage(userRef: string, purchase: PurchaseRow): Purchase {
  return create(PurchaseSchema, {
    id: purchase.id,
    userId: userRef,
    appId: purchase.appId,
    reportId: purchase.itemId,
    reportName: purchase.itemName,
    credits: BigInt(purchase.credits),
    refundedCredits: BigInt(purchase.refundedCredits),
    status: purchase.status,
    createdAt: timestampFromDate(purchase.createdAt),
    createdBy: {
      type: purchase.createdByType,
      id: purchase.createdById ?? "",
      recordedBy: purchase.recordedBy ?? "",
    },
  });
}
