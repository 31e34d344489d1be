import { randomUUID } from "node:crypto";
import { getBalances, grantCredits, systemActor } from "@credits/credits";
import { createDatabaseClient, type Database } from "@credits/db";
import { expect, type Page } from "@playwright/test";

export const demoUser = { email: "user@example.com", password: "demo-password" };

/** A new user with a unique email, signed up through the sign-up page (and so signed in). */
export async function signUp(page: Page, name = "Test User") {
  const user = { name, email: `e2e-${randomUUID()}@example.com`, password: "a long password" };
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Available credits" })).toBeVisible();
  return user;
}

export async function signIn(page: Page, credentials: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Available credits" })).toBeVisible();
}

/** Runs `work` on the suite's database (the one the servers use) with the id of `email`'s user. */
export async function withUser<T>(
  email: string,
  work: (db: Database, userId: string) => Promise<T>,
): Promise<T> {
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 1 });
  try {
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    return await work(db, user.id);
  } finally {
    await db.$disconnect();
  }
}

/** Grants credits from outside the page, as billing or an operator would (the service layer itself). */
export function grantTo(email: string, amount: number, appId = "default"): Promise<void> {
  return withUser(email, async (db, userId) => {
    await grantCredits(db, systemActor, {
      userId,
      appId,
      amount,
      source: "PROMOTION",
      description: "E2E credits",
      idempotencyKey: randomUUID(),
    });
  });
}

/** The id of the user with `email`, straight from the database. */
export async function userIdOf(email: string): Promise<string> {
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 1 });
  try {
    return (await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
  } finally {
    await db.$disconnect();
  }
}

/** What the ledger says the user can spend, to compare with what a page shows. */
export function availableCreditsOf(email: string): Promise<number> {
  return withUser(email, async (db, userId) => (await getBalances(db, userId)).available);
}

export const availableBalance = (page: Page) => page.getByTestId("available-balance");
