// Reads of the ledger. Balances come from the account rows (O(1) in history); history and
// purchases are keyset-paginated over indexes, never OFFSET.
import type { Database } from "@credits/db";
import { NotFoundError } from "../errors.ts";
import type { BalanceOutput, HistoryInput, ListPurchasesInput } from "../schemas/credits.ts";

/**
 * Every app's balance of the user and the totals. Credits of grants whose expiry has come are
 * left out even before the EXPIRE entry is posted; active holds are subtracted from what is available.
 */
export async function getBalances(
  db: Database,
  userId: string,
  appId?: string,
): Promise<BalanceOutput> {
  const rows = await db.$queryRaw<
    { app_id: string; app_name: string; balance: bigint; expired: bigint; held: bigint }[]
  >`
    SELECT a.app_id, ap.name AS app_name, a.balance,
      (SELECT COALESCE(SUM(g.remaining), 0) FROM credit_grants g
        WHERE g.account_id = a.id AND g.remaining > 0 AND g.expires_at <= now())::bigint AS expired,
      (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
        WHERE h.account_id = a.id AND h.status = 'ACTIVE' AND h.expires_at > now())::bigint AS held
    FROM credit_accounts a JOIN apps ap ON ap.id = a.app_id
    WHERE a.user_id = ${userId}::uuid AND (${appId ?? null}::text IS NULL OR a.app_id = ${appId ?? null})
    ORDER BY a.app_id`;
  const apps = rows.map((row) => {
    const balance = Number(row.balance - row.expired);
    const held = Number(row.held);
    return {
      appId: row.app_id,
      appName: row.app_name,
      balance,
      held,
      available: Math.max(0, balance - held),
    };
  });
  return {
    total: apps.reduce((sum, app) => sum + app.balance, 0),
    held: apps.reduce((sum, app) => sum + app.held, 0),
    available: apps.reduce((sum, app) => sum + app.available, 0),
    apps,
  };
}

const historySelect = {
  id: true,
  appId: true,
  type: true,
  amount: true,
  balanceAfter: true,
  description: true,
  metadata: true,
  actorType: true,
  actorId: true,
  recordedBy: true,
  purchaseId: true,
  transferId: true,
  grantId: true,
  holdId: true,
  stripeObjectId: true,
  createdAt: true,
} as const;

/**
 * The user's ledger entries, newest first (oldest first with `order: "asc"`), one keyset page at a
 * time (`cursor` = last id seen). Ids grow with time, and the (user_id, id) index serves both ways.
 */
export async function listHistory(db: Database, userId: string, input: HistoryInput) {
  const order = input.order ?? "desc";
  const after = input.cursor ? BigInt(input.cursor) : undefined;
  const rows = await db.creditTransaction.findMany({
    where: {
      userId,
      appId: input.appId,
      type: input.types?.length ? { in: input.types } : undefined,
      createdAt: input.from || input.to ? { gte: input.from, lte: input.to } : undefined,
      id: after === undefined ? undefined : order === "desc" ? { lt: after } : { gt: after },
    },
    orderBy: { id: order },
    take: input.limit + 1,
    select: historySelect,
  });
  const page = rows.slice(0, input.limit);
  return {
    entries: page.map((row) => ({
      ...row,
      id: row.id.toString(),
      amount: Number(row.amount),
      balanceAfter: Number(row.balanceAfter),
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}

/** The balance of the user's account in the app at a past instant, from the entries' balance-after. */
export async function balanceAt(
  db: Database,
  userId: string,
  appId: string,
  at: Date,
): Promise<number> {
  const [row] = await db.$queryRaw<{ balance_after: bigint }[]>`
    SELECT t.balance_after FROM credit_transactions t
    JOIN credit_accounts a ON a.id = t.account_id
    WHERE a.user_id = ${userId}::uuid AND a.app_id = ${appId} AND t.created_at <= ${at}
    ORDER BY t.created_at DESC, t.id DESC
    LIMIT 1`;
  if (!row) {
    const app = await db.app.findUnique({ where: { id: appId }, select: { id: true } });
    if (!app) throw new NotFoundError("app", appId);
    return 0;
  }
  return Number(row.balance_after);
}

/** Grants that can still pay, in the order spends consume them, with their expiry. */
export async function listActiveGrants(db: Database, userId: string, appId?: string) {
  const grants = await db.creditGrant.findMany({
    where: {
      account: { userId, appId },
      remaining: { gt: 0 },
      OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
    },
    orderBy: [
      { priority: "asc" },
      { expiresAt: { sort: "asc", nulls: "last" } },
      { createdAt: "asc" },
      { id: "asc" },
    ],
    select: {
      id: true,
      source: true,
      amount: true,
      remaining: true,
      priority: true,
      expiresAt: true,
      createdAt: true,
      account: { select: { appId: true } },
    },
    take: 200,
  });
  return grants.map(({ account, ...grant }) => ({
    ...grant,
    appId: account.appId,
    amount: Number(grant.amount),
    remaining: Number(grant.remaining),
  }));
}

/**
 * The user's purchases, newest first (oldest first with `order: "asc"`), keyset-paginated by
 * (created_at, id) over the (user_id, created_at DESC, id DESC) index, which serves both ways.
 */
export async function listPurchases(db: Database, userId: string, input: ListPurchasesInput) {
  const order = input.order ?? "desc";
  const rows = await db.purchase.findMany({
    where: { userId, appId: input.appId },
    orderBy: [{ createdAt: order }, { id: order }],
    cursor: input.cursor ? { id: input.cursor } : undefined,
    skip: input.cursor ? 1 : 0,
    take: input.limit + 1,
    select: {
      id: true,
      appId: true,
      itemId: true,
      itemName: true,
      credits: true,
      refundedCredits: true,
      status: true,
      createdByType: true,
      createdById: true,
      recordedBy: true,
      createdAt: true,
    },
  });
  const page = rows.slice(0, input.limit);
  return {
    purchases: page.map((row) => ({
      ...row,
      credits: Number(row.credits),
      refundedCredits: Number(row.refundedCredits),
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Credits the user spent per day (UTC) over the last `days` days, every day present, oldest first. */
export async function spendingByDay(db: Database, userId: string, days: number) {
  const since = new Date(Date.now() - (days - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const rows = await db.$queryRaw<{ day: string; spent: bigint }[]>`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, SUM(-amount)::bigint AS spent
    FROM credit_transactions
    WHERE user_id = ${userId}::uuid AND created_at >= ${since}
      AND type IN ('SPEND', 'PURCHASE', 'HOLD_CAPTURE', 'TRANSFER_OUT')
    GROUP BY 1`;
  const spent = new Map(rows.map((row) => [row.day, Number(row.spent)]));
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(since.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    return { day, spent: spent.get(day) ?? 0 };
  });
}
