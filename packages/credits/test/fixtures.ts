// Shared set-up for the integration tests: a Prisma client on the test database that `pnpm test`
// prepared, fresh users per test, and callers of the real router acting as them.
import { randomUUID } from "node:crypto";
import { createDatabaseClient, type Database } from "@credits/db";
import { migrateDeploy } from "@credits/db/migrate";
import { createScratchDatabase } from "@credits/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll } from "vitest";
import type { CreditsContext, SessionUser } from "../src/index.ts";
import { serviceApiConfigFrom } from "../src/rest/config.ts";
import { createCaller } from "../src/root.ts";
import { debitOutcome } from "../src/service/debit-statement.ts";
import { enableGroupCommit } from "../src/service/group-commit.ts";
import { type BillingConfig, billingConfigFrom } from "../src/stripe/config.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl)
  throw new Error("DATABASE_URL must point at the test database (pnpm test sets it)");

/** Enough connections for the concurrency tests to really run in parallel. */
export const db = createDatabaseClient(databaseUrl, { poolMax: 20 });
afterAll(() => db.$disconnect());
// Spends go through group commit as the services run them (on unless CREDITS_GROUP_COMMIT=off), so
// every suite, the concurrency races among them, exercises the batch path.
const { groupCommit } = serviceApiConfigFrom(process.env);
if (groupCommit) enableGroupCommit(db, groupCommit, (spend) => debitOutcome(db, spend));

// A second app next to "default", for per-app tests (the demo seed has it too).
await db.app.upsert({
  where: { id: "reports" },
  create: { id: "reports", name: "Reports" },
  update: {},
});

export const newKey = () => randomUUID();

export async function createUser(role: SessionUser["role"] = "USER"): Promise<SessionUser> {
  const email = `test-${randomUUID()}@example.com`;
  const user = await db.user.create({ data: { email, role }, select: { id: true } });
  return { ...user, email, role };
}

/** A user row as a test signs in with it: rows may lack an email, a signed-in user never does. */
export type SignedInRow = Omit<SessionUser, "email"> & { email: string | null };

export function sessionUserOf(user: SignedInRow): SessionUser {
  if (user.email === null) throw new Error(`test user ${user.id} has no email to sign in with`);
  return { ...user, email: user.email };
}

/** Billing as on a server without Stripe keys; Stripe tests pass their own (the fake's). */
export const unconfiguredBilling = billingConfigFrom({});

export function callerFor(user: SignedInRow | null, billing: BillingConfig = unconfiguredBilling) {
  const context: CreditsContext = {
    db,
    session: user ? { user: sessionUserOf(user) } : null,
    billing,
    origin: "http://127.0.0.1:3000",
  };
  return createCaller(context);
}

/** A signed-in user, their caller, and an admin's caller to fund them. */
export async function fundedUser(credits: number, appId = "default") {
  const user = await createUser();
  const admin = await createUser("ADMIN");
  if (credits > 0) {
    await callerFor(admin).admin.credits.adjust({
      direction: "grant",
      userId: user.id,
      appId,
      amount: credits,
      reason: "test funding",
      idempotencyKey: newKey(),
    });
  }
  return { user, caller: callerFor(user), admin, adminCaller: callerFor(admin) };
}

/** The TRPCError a call fails with (the test fails if it succeeds or fails otherwise). */
export async function trpcErrorOf(call: Promise<unknown>): Promise<TRPCError> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok)
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof TRPCError)) throw outcome.error;
  return outcome.error;
}

/** The number of ledger entries of a user, to prove that a refused call wrote nothing. */
export function entryCount(userId: string): Promise<number> {
  return db.creditTransaction.count({ where: { userId } });
}

/**
 * The rows of each table, to prove that a refused request wrote nothing (`tables` are names from
 * the test's own code, never from generated input).
 */
export async function rowCounts(
  database: Database,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const counts = tables.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`);
  const [row] = await database.$queryRawUnsafe<Record<string, number>[]>(
    `SELECT ${counts.join(", ")}`,
  );
  return row ?? {};
}

/** The audit entries about a user, oldest first. */
export function auditOf(userId: string) {
  return db.auditLog.findMany({
    where: { targetUserId: userId },
    orderBy: { id: "asc" },
    select: { action: true, before: true, after: true, reason: true },
  });
}

/** Moves a grant's expiry into the past, as if time had passed. */
export async function expireGrantNow(grantId: string): Promise<void> {
  await db.$executeRaw`UPDATE credit_grants SET expires_at = now() - interval '1 second' WHERE id = ${grantId}::uuid`;
}

/**
 * Runs `work` on a migrated database of its own, dropped afterwards: for tests that need exact
 * global figures (counts of admins, totals) or that break the ledger on purpose.
 */
export async function withOwnDatabase(
  prefix: string,
  work: (own: {
    db: Database;
    callerAs: (user: SignedInRow) => ReturnType<typeof createCaller>;
  }) => Promise<void>,
): Promise<void> {
  const scratch = await createScratchDatabase(databaseUrl ?? "", prefix);
  const own = createDatabaseClient(scratch.url, { poolMax: 4 });
  try {
    await migrateDeploy({ databaseUrl: scratch.url });
    await work({
      db: own,
      callerAs: (user) =>
        createCaller({
          db: own,
          session: { user: sessionUserOf(user) },
          billing: unconfiguredBilling,
          origin: "http://127.0.0.1:3000",
        }),
    });
  } finally {
    await own.$disconnect();
    await scratch.drop();
  }
}
