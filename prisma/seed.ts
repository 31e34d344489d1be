// Demo data for development and tests, created idempotently: running it again changes nothing
// (apps and users are upserted; the credit history is made once, each operation under a fixed
// idempotency key). `pnpm db:seed` seeds the database in DATABASE_URL.
//
// The demo user's history shows every kind of entry: grants, a purchase and its partial refund,
// a spend, a transfer, a capture of a hold, an active hold, and a grant that expired.
import { pathToFileURL } from "node:url";
import { hashPassword } from "@credits/auth";
import {
  type Actor,
  captureHold,
  createPurchase,
  grantCredits,
  refundPurchase,
  reserveHold,
  runExpirySweep,
  spendCredits,
  systemActor,
  transferCredits,
} from "@credits/credits";
import { createDatabaseClient, type Database } from "@credits/db";
import { loadRootEnvFile } from "@credits/db/env";

export const demoUsers = {
  admin: { email: "admin@example.com", name: "Ada Admin", role: "ADMIN" },
  user: { email: "user@example.com", name: "Uma User", role: "USER" },
} as const;

/** The demo users' password, for local sign-in only. */
export const demoPassword = "demo-password";

export const demoApps = [
  { id: "default", name: "Default" },
  { id: "reports", name: "Reports" },
] as const;

const key = (name: string) => `seed-demo-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

async function seedCredits(db: Database, userId: string, adminId: string): Promise<void> {
  const user: Actor = { type: "USER", id: userId };
  const admin: Actor = { type: "ADMIN", id: adminId };
  const grant = (name: string, userIdToGrant: string, amount: number, extra: object = {}) =>
    grantCredits(db, systemActor, {
      userId: userIdToGrant,
      amount,
      source: "PROMOTION",
      description: name,
      idempotencyKey: key(name),
      ...extra,
    });

  await grant("Welcome credits", userId, 1000);
  await grant("Welcome credits (admin)", adminId, 500);
  await grant("Reports starter pack", userId, 300, { appId: "reports" });
  // Burned last (high priority number) and about to expire, so the history shows an EXPIRE entry.
  const trialExpiresAt = new Date(Date.now() + 1500);
  const trial = await grant("Trial bonus", userId, 50, {
    expiresAt: trialExpiresAt,
    priority: 900,
  });
  // Burned after the welcome credits, so the dashboard shows credits that expire in 20 days.
  await grant("Holiday promotion", userId, 200, {
    expiresAt: new Date(Date.now() + 20 * 24 * 3600 * 1000),
    priority: 300,
  });

  const purchase = await createPurchase(db, user, userId, {
    appId: "default",
    itemId: "report-market-2026",
    itemName: "Market report 2026",
    credits: 120,
    idempotencyKey: key("purchase-market-report"),
  });
  await refundPurchase(db, admin, {
    purchaseId: purchase.purchaseId,
    amount: 40,
    reason: "Report delivered late",
    idempotencyKey: key("refund-market-report"),
  });
  await spendCredits(db, user, userId, {
    appId: "default",
    amount: 30,
    description: "API usage",
    idempotencyKey: key("spend-api"),
  });
  await transferCredits(db, user, userId, {
    appId: "default",
    to: { email: demoUsers.admin.email },
    amount: 100,
    description: "Thanks for the help",
    idempotencyKey: key("transfer-to-admin"),
  });
  const analysis = await reserveHold(db, user, userId, {
    appId: "default",
    amount: 80,
    ttlSeconds: 600,
    description: "AI analysis",
    idempotencyKey: key("hold-analysis"),
  });
  if (analysis.status === "ACTIVE") {
    await captureHold(db, user, {
      holdId: analysis.holdId,
      amount: 65,
      idempotencyKey: key("capture-analysis"),
    });
  }
  await reserveHold(db, user, userId, {
    appId: "reports",
    amount: 25,
    ttlSeconds: 7 * 24 * 3600,
    description: "Report generation in progress",
    idempotencyKey: key("hold-report-generation"),
  });

  // On the first run the trial bonus has just been granted: wait for its expiry and post it.
  const untilExpiry = trialExpiresAt.getTime() - Date.now();
  if (trial.balance > 0 && untilExpiry > 0)
    await new Promise((resolve) => setTimeout(resolve, untilExpiry + 50));
  await runExpirySweep(db);
}

/**
 * Two weeks of feature use for the usage page's chart (back-dated, so written directly), within the
 * current month so that the period's counters agree with the days.
 */
async function seedUsage(db: Database, userId: string): Promise<void> {
  const today = new Date();
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const monthEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
  const perDay = {
    api_calls: [40, 25, 60, 0, 35, 80, 55, 20, 45, 70, 30, 65, 50, 38],
    reports: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0],
  };
  for (const [feature, quantities] of Object.entries(perDay)) {
    let used = 0;
    for (const [index, quantity] of quantities.entries()) {
      const day = new Date(today.getTime() - (quantities.length - 1 - index) * 86_400_000);
      if (quantity === 0 || day < monthStart) continue;
      used += quantity;
      await db.$executeRaw`
        INSERT INTO usage_daily (user_id, feature, day, quantity)
        VALUES (${userId}::uuid, ${feature}, ${day.toISOString().slice(0, 10)}::date, ${quantity})`;
    }
    if (used > 0) {
      await db.$executeRaw`
        INSERT INTO usage_counters (user_id, feature, period_start, period_end, used)
        VALUES (${userId}::uuid, ${feature}, ${monthStart}, ${monthEnd}, ${used})`;
    }
  }
}

/** Creates the demo apps, users and credit history unless they exist. */
export async function seedDemoData(databaseUrl: string): Promise<void> {
  const db = createDatabaseClient(databaseUrl, { poolMax: 2 });
  try {
    for (const app of demoApps) {
      await db.app.upsert({ where: { id: app.id }, create: app, update: {} });
    }
    const users: Record<string, string> = {};
    const passwordHash = await hashPassword(demoPassword);
    for (const [name, user] of Object.entries(demoUsers)) {
      const row = await db.user.upsert({
        where: { email: user.email },
        create: { ...user, passwordHash },
        update: {},
        select: { id: true, passwordHash: true },
      });
      if (!row.passwordHash)
        await db.user.update({ where: { id: row.id }, data: { passwordHash } });
      users[name] = row.id;
    }
    // The history is seeded once: its expiry dates depend on when it was first made.
    const seeded = await db.creditTransaction.count({ where: { userId: users.user } });
    if (seeded === 0) {
      await seedCredits(db, users.user ?? "", users.admin ?? "");
      await seedUsage(db, users.user ?? "");
    }
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  loadRootEnvFile(new URL("..", import.meta.url).pathname);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("DATABASE_URL is not set: `pnpm dev` seeds the embedded database by itself.");
    process.exit(1);
  }
  await seedDemoData(databaseUrl);
  console.log(
    `Seeded demo users: ${Object.values(demoUsers)
      .map((u) => u.email)
      .join(", ")}`,
  );
}
