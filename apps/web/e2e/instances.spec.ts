import { verifyLedger } from "@credits/credits";
import { createDatabaseClient } from "@credits/db";
import { expect, test } from "@playwright/test";
import {
  e2eServiceToken,
  e2eUserRateLimit,
  firstInstanceUrl,
  secondInstanceUrl,
} from "./environment.ts";
import { availableBalance, signUp, userIdOf } from "./helpers.ts";

// Two instances of apps/web on one database (and one Redis when REDIS_URL is set, as in CI): they
// must behave as one.

async function rest(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${e2eServiceToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("[WEB][INSTANCES] spends through two instances at once never overspend; the ledger stays consistent", async ({
  page,
}) => {
  const user = await signUp(page, "Two Instances");
  const userId = await userIdOf(user.email);
  expect(
    (
      await rest(firstInstanceUrl, "POST", `/api/credits/${userId}/add`, {
        amount: 30,
        description: "funding",
      })
    ).status,
  ).toBe(200);
  const outcomes = await Promise.all(
    Array.from({ length: 40 }, (_, index) =>
      rest(
        index % 2 ? secondInstanceUrl : firstInstanceUrl,
        "POST",
        `/api/credits/${userId}/deduct`,
        {
          amount: 1,
          description: `spend ${index}`,
        },
      ),
    ),
  );
  expect(outcomes.filter((outcome) => outcome.status === 200)).toHaveLength(30);
  expect(outcomes.filter((outcome) => outcome.status === 402)).toHaveLength(10);
  const balance = await rest(secondInstanceUrl, "GET", `/api/credits/${userId}/balance`);
  expect(balance.body.balance).toBe(0);
  const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 1 });
  try {
    expect(await verifyLedger(db)).toEqual([]);
  } finally {
    await db.$disconnect();
  }
});

test("[WEB][INSTANCES] a user's rate limit is shared by the instances (through Redis)", async ({
  page,
}) => {
  const user = await signUp(page, "Rate Limited");
  const userId = await userIdOf(user.email);
  const statuses = await Promise.all(
    Array.from({ length: e2eUserRateLimit + 10 }, (_, index) =>
      rest(
        index % 2 ? secondInstanceUrl : firstInstanceUrl,
        "GET",
        `/api/credits/${userId}/balance`,
      ).then((result) => result.status),
    ),
  );
  // With Redis the instances count together; without it (a laptop with no Redis) each counts alone.
  const expectedAllowed = process.env.REDIS_URL ? e2eUserRateLimit : e2eUserRateLimit + 10;
  expect(statuses.filter((status) => status === 200)).toHaveLength(expectedAllowed);
  expect(statuses.filter((status) => status === 429)).toHaveLength(
    e2eUserRateLimit + 10 - expectedAllowed,
  );
});

test("[WEB][INSTANCES] a spend on the second instance updates the page served by the first, live", async ({
  page,
}) => {
  const user = await signUp(page, "Live Across");
  const userId = await userIdOf(user.email);
  await rest(firstInstanceUrl, "POST", `/api/credits/${userId}/add`, {
    amount: 100,
    description: "funding",
  });
  await page.reload();
  await expect(availableBalance(page)).toHaveText("100");
  await page.waitForTimeout(1000);
  const spent = await rest(secondInstanceUrl, "POST", `/api/credits/${userId}/deduct`, {
    amount: 35,
    description: "Spent on the other instance",
  });
  expect(spent.status).toBe(200);
  await expect(availableBalance(page)).toHaveText("65", { timeout: 10_000 });
  await expect(page.getByText("Spent on the other instance")).toBeVisible();
});
