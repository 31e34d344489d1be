// The keyset lists both ways (`order`): newest first and oldest first, read page by page, hold
// every row once and join up with no gap or repeat, ties on the time broken by id; the operators'
// user list by sign-up date and by email, with each user's balance and plan.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, createUser, db, fundedUser, newKey, trpcErrorOf } from "./fixtures.ts";

/** Every row of a list, read `limit` at a time by following `nextCursor`. */
async function readAll<T>(
  read: (cursor: string | null) => Promise<{ rows: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await read(cursor);
    all.push(...page.rows);
    cursor = page.nextCursor;
    if (!cursor) return all;
  }
  throw new Error("the list never ended");
}

/** Both orders read in pages of `limit`: each is the other reversed, and equals one whole read. */
async function expectBothWays(
  read: (
    order: "asc" | "desc",
    limit: number,
    cursor: string | null,
  ) => Promise<{ ids: string[]; nextCursor: string | null }>,
  total: number,
) {
  const paged = (order: "asc" | "desc") =>
    readAll(async (cursor) => {
      const page = await read(order, 2, cursor);
      return { rows: page.ids, nextCursor: page.nextCursor };
    });
  const desc = await paged("desc");
  const asc = await paged("asc");
  const whole = await read("desc", 100, null);
  expect(desc).toHaveLength(total);
  expect(new Set(desc).size).toBe(total);
  expect(desc).toEqual(whole.ids);
  expect(asc).toEqual([...desc].reverse());
  return desc;
}

describe("keyset lists in both orders", () => {
  it("pages the history newest and oldest first", async () => {
    const { caller } = await fundedUser(100);
    for (let index = 0; index < 4; index++) {
      await caller.purchases.create({
        itemId: `i${index}`,
        itemName: `Item ${index}`,
        credits: 1,
        idempotencyKey: newKey(),
      });
    }
    const desc = await expectBothWays(async (order, limit, cursor) => {
      const page = await caller.credits.history({ order, limit, cursor });
      return { ids: page.entries.map((entry) => entry.id), nextCursor: page.nextCursor };
    }, 5);
    expect([...desc].sort((a, b) => Number(BigInt(b) - BigInt(a)))).toEqual(desc);
    // The default is newest first, as before `order` existed.
    expect((await caller.credits.history({})).entries.map((entry) => entry.id)).toEqual(desc);
  });

  it("pages purchases both ways, purchases made at the same instant by id", async () => {
    const { user, caller } = await fundedUser(100);
    for (let index = 0; index < 5; index++) {
      await caller.purchases.create({
        itemId: `p${index}`,
        itemName: `Purchase ${index}`,
        credits: 1,
        idempotencyKey: newKey(),
      });
    }
    // Three at one instant: only the id orders them, in both directions.
    await db.$executeRaw`
      UPDATE purchases SET created_at = '2026-01-01T00:00:00Z'
      WHERE id IN (SELECT id FROM purchases WHERE user_id = ${user.id}::uuid ORDER BY id LIMIT 3)`;
    const desc = await expectBothWays(async (order, limit, cursor) => {
      const page = await caller.purchases.list({ order, limit, cursor });
      return { ids: page.purchases.map((purchase) => purchase.id), nextCursor: page.nextCursor };
    }, 5);
    const tied = desc.slice(2);
    expect(tied).toEqual([...tied].sort().reverse());
  });

  it("pages the audit log both ways", async () => {
    const { user, adminCaller } = await fundedUser(0);
    for (let index = 0; index < 5; index++) {
      await adminCaller.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        appId: "default",
        amount: 10 + index,
        reason: "order test",
        idempotencyKey: newKey(),
      });
    }
    await expectBothWays(async (order, limit, cursor) => {
      const page = await adminCaller.admin.audit.list({
        targetUserId: user.id,
        order,
        limit,
        cursor,
      });
      return { ids: page.entries.map((entry) => entry.id), nextCursor: page.nextCursor };
    }, 5);
  });

  it("pages Stripe events both ways, events received at the same instant by id", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const type = `test.order_${randomUUID().slice(0, 8)}`;
    const instants = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T00:00:00Z"];
    for (const [index, receivedAt] of [...instants, "2026-01-03T00:00:00Z"].entries()) {
      await db.$executeRaw`
        INSERT INTO stripe_events (id, type, status, payload, event_created_at, received_at, attempts)
        VALUES (${`evt_order_${index}_${randomUUID().slice(0, 8)}`}, ${type}, 'PROCESSED', '{}'::jsonb,
          ${new Date(receivedAt)}, ${new Date(receivedAt)}, 1)`;
    }
    const desc = await expectBothWays(async (order, limit, cursor) => {
      const page = await admin.admin.stripeEvents.list({ type, order, limit, cursor });
      return { ids: page.events.map((event) => event.id), nextCursor: page.nextCursor };
    }, 4);
    const tied = desc.slice(1, 3);
    expect(tied).toEqual([...tied].sort().reverse());
  });
});

describe("the operators' list of users", () => {
  it("sorts by sign-up date and by email, both ways, with each user's balance and plan", async () => {
    const admin = callerFor(await createUser("ADMIN"));
    const tag = `order-${randomUUID().slice(0, 8)}`;
    const joined = ["2026-03-01", "2026-01-01", "2026-02-01", "2026-02-01"];
    const users = [];
    for (const [index, day] of joined.entries()) {
      users.push(
        await db.user.create({
          data: { email: `${tag}-${"dbca"[index]}@example.com`, createdAt: new Date(day) },
          select: { id: true, email: true, createdAt: true },
        }),
      );
    }
    const [rich, , pro] = users;
    if (!rich || !pro) throw new Error("users were not created");
    for (const [appId, amount] of [
      ["default", 1000],
      ["reports", 250],
    ] as const) {
      await admin.admin.credits.adjust({
        direction: "grant",
        userId: rich.id,
        appId,
        amount,
        reason: "balance column",
        idempotencyKey: newKey(),
      });
    }
    await db.$executeRaw`
      INSERT INTO subscriptions (id, user_id, tier, status, current_period_start, current_period_end)
      VALUES (gen_random_uuid(), ${pro.id}::uuid, 'PRO', 'ACTIVE', now(), now() + interval '30 days')`;

    const byDate = [...users].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1),
    );
    const read = (sort: "email" | "createdAt", order?: "asc" | "desc") =>
      readAll(async (cursor) => {
        const page = await admin.admin.users.search({ query: tag, sort, order, limit: 1, cursor });
        return { rows: page.users, nextCursor: page.nextCursor };
      });
    const newest = await read("createdAt");
    expect(newest.map((user) => user.id)).toEqual(byDate.map((user) => user.id));
    expect((await read("createdAt", "asc")).map((user) => user.id)).toEqual(
      byDate.map((user) => user.id).reverse(),
    );
    const emails = users.map((user) => user.email).sort();
    expect((await read("email")).map((user) => user.email)).toEqual(emails);
    expect((await read("email", "desc")).map((user) => user.email)).toEqual([...emails].reverse());

    const shown = new Map(newest.map((user) => [user.id, user]));
    expect(shown.get(rich.id)).toMatchObject({ available: 1250, tier: "FREE" });
    expect(shown.get(pro.id)).toMatchObject({ available: 0, tier: "PRO" });

    const mixed = await trpcErrorOf(
      admin.admin.users.search({ query: tag, sort: "createdAt", cursor: emails[0] }),
    );
    expect(mixed.code).toBe("BAD_REQUEST");
  });

  it("reads users by sign-up date from the index in both directions", async () => {
    const plans = await db.$transaction(async (tx) => {
      // A small test table would be scanned whole; the question is whether the index can serve.
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      const explain = async (order: "ASC" | "DESC") => {
        const rows =
          order === "DESC"
            ? await tx.$queryRaw<{ "QUERY PLAN": string }[]>`
                EXPLAIN SELECT id FROM users ORDER BY created_at DESC, id DESC LIMIT 26`
            : await tx.$queryRaw<{ "QUERY PLAN": string }[]>`
                EXPLAIN SELECT id FROM users ORDER BY created_at ASC, id ASC LIMIT 26`;
        return rows.map((row) => row["QUERY PLAN"]).join("\n");
      };
      return { desc: await explain("DESC"), asc: await explain("ASC") };
    });
    expect(plans.desc).toMatch(/Index (Only )?Scan using users_created_at_id_idx/);
    expect(plans.asc).toMatch(/Index (Only )?Scan Backward using users_created_at_id_idx/);
    expect(plans.asc).not.toMatch(/Sort/);
  });
});
