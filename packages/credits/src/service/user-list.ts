// The operators' list of users: search, sorted by email or sign-up date either way, each user with
// what they can spend and their plan, all in one query.
import { type Database, Prisma } from "@credits/db";
import { InvalidRequestError } from "../errors.ts";
import type { Tier } from "../plans.ts";
import type { SortOrder } from "../schemas/common.ts";
import { effectiveTier, type SubscriptionRow } from "./billing/subscription-state.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A sign-up-date cursor: `<created at, in ms>:<user id>`. */
const createdCursorPattern = /^(\d{1,15}):([0-9a-f-]{36})$/i;

export interface SearchUsersFilters {
  query: string;
  sort?: "email" | "createdAt";
  /** Omitted: A to Z by email, newest first by sign-up date. */
  order?: SortOrder;
  cursor?: string | null;
  limit: number;
}

type UserListRow = Omit<SubscriptionRow, "id" | "user_id" | "tier" | "status"> & {
  id: string;
  email: string | null;
  external_id: string | null;
  name: string | null;
  role: "USER" | "ADMIN";
  created_at: Date;
  sort_key: string;
  available: bigint;
  subscription_id: string | null;
  tier: SubscriptionRow["tier"] | null;
  status: SubscriptionRow["status"] | null;
};

/** The keyset condition and order of one sort, both ways; each has an index that serves both. */
function keyset(sort: "email" | "createdAt", order: SortOrder, cursor: string | null) {
  const desc = order === "desc";
  if (sort === "email") {
    // The users_search_order_idx expression index.
    const key = Prisma.sql`coalesce(u.email, u.external_id, u.id::text)`;
    return {
      after:
        cursor === null
          ? Prisma.sql`TRUE`
          : desc
            ? Prisma.sql`${key} < ${cursor}`
            : Prisma.sql`${key} > ${cursor}`,
      orderBy: desc ? Prisma.sql`${key} DESC` : Prisma.sql`${key} ASC`,
      outerOrderBy: desc ? Prisma.sql`sort_key DESC` : Prisma.sql`sort_key ASC`,
    };
  }
  // The users_created_at_id_idx index, on (created_at DESC, id DESC).
  let after = Prisma.sql`TRUE`;
  if (cursor !== null) {
    const match = createdCursorPattern.exec(cursor);
    if (!match) throw new InvalidRequestError("cursor must be a cursor from a previous page");
    const at = new Date(Number(match[1]));
    after = desc
      ? Prisma.sql`(u.created_at, u.id) < (${at}::timestamptz, ${match[2]}::uuid)`
      : Prisma.sql`(u.created_at, u.id) > (${at}::timestamptz, ${match[2]}::uuid)`;
  }
  return {
    after,
    orderBy: desc ? Prisma.sql`u.created_at DESC, u.id DESC` : Prisma.sql`u.created_at, u.id`,
    outerOrderBy: desc ? Prisma.sql`created_at DESC, id DESC` : Prisma.sql`created_at, id`,
  };
}

/**
 * Users whose email or name starts with `query` (case-insensitive), or whose id or external id is
 * `query`; by email (a customer without one by its external id) or by sign-up date, keyset-paginated.
 * Prefix matches use the lower(...) text_pattern_ops indexes. The page is chosen first; only its
 * users' balances (available: expired credits and active holds left out, as getBalances counts
 * them) and subscriptions are then read, in the same statement.
 */
export async function searchUsers(db: Database, filters: SearchUsersFilters, graceDays: number) {
  const sort = filters.sort ?? "email";
  const order = filters.order ?? (sort === "email" ? "asc" : "desc");
  const query = filters.query.trim().toLowerCase();
  const pattern = `${query.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const { after, orderBy, outerOrderBy } = keyset(sort, order, filters.cursor ?? null);
  const rows = await db.$queryRaw<UserListRow[]>`
    WITH page AS (
      SELECT u.id, u.email, u.external_id, u.name, u.role, u.created_at,
        coalesce(u.email, u.external_id, u.id::text) AS sort_key
      FROM users u
      WHERE (${query} = '' OR lower(u.email) LIKE ${pattern} OR lower(u.name) LIKE ${pattern}
             OR u.external_id = ${filters.query.trim()}
             OR (${uuidPattern.test(query)} AND u.id::text = ${query}))
        AND ${after}
      ORDER BY ${orderBy}
      LIMIT ${filters.limit + 1}
    )
    SELECT page.*, s.id AS subscription_id, s.tier, s.status, s.current_period_start,
      s.current_period_end, s.cancel_at_period_end, s.canceled_at, s.past_due_since, s.pending_tier,
      s.stripe_subscription_id, s.stripe_price_id, s.stripe_schedule_id,
      (SELECT COALESCE(SUM(GREATEST(0, a.balance
          - (SELECT COALESCE(SUM(g.remaining), 0) FROM credit_grants g
              WHERE g.account_id = a.id AND g.remaining > 0 AND g.expires_at <= now())
          - (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
              WHERE h.account_id = a.id AND h.status = 'ACTIVE' AND h.expires_at > now()))), 0)
        FROM credit_accounts a WHERE a.user_id = page.id)::bigint AS available
    FROM page LEFT JOIN subscriptions s ON s.user_id = page.id
    ORDER BY ${outerOrderBy}`;
  const now = new Date();
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    users: page.map((row) => ({
      id: row.id,
      email: row.email,
      externalId: row.external_id,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
      available: Number(row.available),
      tier: tierOf(row, now, graceDays),
    })),
    nextCursor:
      rows.length > filters.limit && last
        ? sort === "email"
          ? last.sort_key
          : `${last.created_at.getTime()}:${last.id}`
        : null,
  };
}

function tierOf(row: UserListRow, now: Date, graceDays: number): Tier {
  if (row.subscription_id === null || row.tier === null || row.status === null) return "FREE";
  return effectiveTier(
    { ...row, id: row.subscription_id, user_id: row.id, tier: row.tier, status: row.status },
    now,
    graceDays,
  );
}
