// What the admin specs share: signing in as the seeded operator, and set-up straight in the
// database the app under test uses.
import { createDatabaseClient, type Database } from "@credits/db";
import type { Page } from "@playwright/test";

export const admin = { email: "admin@example.com", password: "demo-password" };

export async function signIn(page: Page, credentials: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/** Runs `work` on a short-lived client of the test database. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 1 });
  return work(db).finally(() => db.$disconnect());
}
