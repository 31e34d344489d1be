// The REST API of the original design over HTTP: every endpoint's success and errors (each checked
// against the OpenAPI document) and the design's own client call.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser, db } from "./fixtures.ts";
import { api, bootstrapToken, call, userWithCredits } from "./rest-fixtures.ts";

// Random per run: crediting an unknown id creates its customer, so a fixed one would exist next time.
const unknownUser = randomUUID();

describe("the original design's client", () => {
  it("gets 402 from /deduct when credits are insufficient, as the Next.js route expects", async () => {
    const user = await userWithCredits(5);
    // The design's integration code, verbatim in spirit: POST with a bearer token, check response.ok.
    const response = await fetch(`${api.url}/api/credits/${user.id}/deduct`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${bootstrapToken}`,
      },
      body: JSON.stringify({ amount: 10, description: "Report generation" }),
    });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({
      error: {
        code: "insufficient_credits",
        message: "Not enough credits: 10 needed, 5 available.",
        details: { required: 10, available: 5 },
      },
    });
    const paid = await fetch(`${api.url}/api/credits/${user.id}/deduct`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bootstrapToken}` },
      body: JSON.stringify({ amount: 5, description: "Report generation" }),
    });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ success: true, balance: 0 });
  });
});

describe("credits endpoints", () => {
  it("adds, deducts, reads the balance per app and the history page by page", async () => {
    const user = await createUser();
    const template = "/api/credits/{userId}/add";
    const added = await call("POST", `/api/credits/${user.id}/add`, {
      body: {
        amount: 100,
        description: "signup bonus",
        app_id: "reports",
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
      template,
    });
    expect(added).toMatchObject({ status: 200, body: { success: true, balance: 100 } });
    await call("POST", `/api/credits/${user.id}/add`, {
      body: { amount: 50, description: "gift" },
      template,
    });
    const deducted = await call("POST", `/api/credits/${user.id}/deduct`, {
      body: { amount: 30, description: "report", app_id: "reports" },
      template: "/api/credits/{userId}/deduct",
    });
    expect(deducted.body).toMatchObject({ success: true, balance: 70, available: 70 });
    expect(deducted.body.transaction_id).toMatch(/^\d+$/);

    const balance = await call("GET", `/api/credits/${user.id}/balance`, {
      template: "/api/credits/{userId}/balance",
    });
    expect(balance.body).toEqual({
      user_id: user.id,
      platform_user_id: user.id,
      balance: 120,
      balances: [
        { app_id: "default", balance: 50, available: 50, held: 0 },
        { app_id: "reports", balance: 70, available: 70, held: 0 },
      ],
    });
    const narrowed = await call("GET", `/api/credits/${user.id}/balance?app_id=reports`, {
      template: "/api/credits/{userId}/balance",
    });
    expect(narrowed.body.balances).toHaveLength(1);

    const first = await call("GET", `/api/credits/${user.id}/history?limit=2`, {
      template: "/api/credits/{userId}/history",
    });
    expect(first.body.transactions.map((entry: { amount: number }) => entry.amount)).toEqual([
      -30, 50,
    ]);
    expect(first.body.transactions[0]).toMatchObject({
      user_id: user.id,
      type: "SPEND",
      balance: 70,
      created_by: null,
      actor: { type: "SERVICE", id: "env" },
    });
    const second = await call(
      "GET",
      `/api/credits/${user.id}/history?limit=2&cursor=${first.body.next_cursor}`,
      { template: "/api/credits/{userId}/history" },
    );
    expect(second.body).toMatchObject({ next_cursor: null });
    expect(second.body.transactions.map((entry: { amount: number }) => entry.amount)).toEqual([
      100,
    ]);
    const filtered = await call("GET", `/api/credits/${user.id}/history?type=SPEND`, {
      template: "/api/credits/{userId}/history",
    });
    expect(filtered.body.transactions).toHaveLength(1);
  });

  it("transfers, buys and lists purchases, with 402 where due; unknown users read as empty", async () => {
    const sender = await userWithCredits(100);
    const recipient = await createUser();
    const sent = await call("POST", `/api/credits/${sender.id}/transfer`, {
      body: { to_user_id: recipient.id, amount: 40, description: "thanks" },
      template: "/api/credits/{userId}/transfer",
    });
    expect(sent.body).toMatchObject({ success: true, balance: 60 });
    // A recipient nobody has yet is another backend's new customer: created and credited.
    const newRecipient = `new-recipient-${randomUUID()}`;
    const toNew = await call("POST", `/api/credits/${sender.id}/transfer`, {
      body: { to_user_id: newRecipient, amount: 1 },
      template: "/api/credits/{userId}/transfer",
    });
    expect(toNew).toMatchObject({ status: 200, body: { success: true, balance: 59 } });
    const received = await call("GET", `/api/credits/${newRecipient}/balance`, {
      template: "/api/credits/{userId}/balance",
    });
    expect(received.body).toMatchObject({ user_id: newRecipient, balance: 1 });

    const bought = await call("POST", `/api/credits/${sender.id}/purchases`, {
      body: { item_id: "report-42", item_name: "Quarterly report", credits: 25 },
      template: "/api/credits/{userId}/purchases",
    });
    expect(bought.body).toMatchObject({ success: true, balance: 34 });
    const tooExpensive = await call("POST", `/api/credits/${sender.id}/purchases`, {
      body: { item_id: "big", item_name: "Big", credits: 1000 },
      template: "/api/credits/{userId}/purchases",
    });
    expect(tooExpensive).toMatchObject({
      status: 402,
      body: { error: { details: { available: 34 } } },
    });
    const listed = await call("GET", `/api/credits/${sender.id}/purchases?limit=10`, {
      template: "/api/credits/{userId}/purchases",
    });
    expect(listed.body.purchases).toEqual([
      expect.objectContaining({
        id: bought.body.purchase_id,
        item_id: "report-42",
        credits: 25,
        status: "COMPLETED",
      }),
    ]);
    // An id nobody has: balance 0, no history, no purchases, 402 for a deduct; nothing created.
    const balanceOfUnknown = await call("GET", `/api/credits/${unknownUser}/balance`, {
      template: "/api/credits/{userId}/balance",
    });
    expect(balanceOfUnknown.body).toEqual({
      user_id: unknownUser,
      platform_user_id: null,
      balance: 0,
      balances: [],
    });
    const historyOfUnknown = await call("GET", `/api/credits/${unknownUser}/history`, {
      template: "/api/credits/{userId}/history",
    });
    expect(historyOfUnknown.body).toEqual({ transactions: [], next_cursor: null });
    const purchasesOfUnknown = await call("GET", `/api/credits/${unknownUser}/purchases`, {
      template: "/api/credits/{userId}/purchases",
    });
    expect(purchasesOfUnknown.body).toEqual({ purchases: [], next_cursor: null });
    const deductUnknown = await call("POST", `/api/credits/${unknownUser}/deduct`, {
      body: { amount: 1, description: "x" },
      template: "/api/credits/{userId}/deduct",
    });
    expect(deductUnknown).toMatchObject({
      status: 402,
      body: { error: { code: "insufficient_credits", details: { required: 1, available: 0 } } },
    });
    expect(await db.user.count({ where: { externalId: unknownUser } })).toBe(0);
  });

  it("reserves, captures and releases holds", async () => {
    const user = await userWithCredits(100);
    const template = "/api/credits/{userId}/holds";
    const hold = await call("POST", `/api/credits/${user.id}/holds`, {
      body: { amount: 60, ttl_seconds: 300, description: "video render" },
      template,
    });
    expect(hold.body).toMatchObject({ status: "ACTIVE", amount: 60, available: 40 });
    const tooMuch = await call("POST", `/api/credits/${user.id}/holds`, {
      body: { amount: 50, ttl_seconds: 300, description: "second" },
      template,
    });
    expect(tooMuch.status).toBe(402);
    const captured = await call("POST", `/api/credits/holds/${hold.body.hold_id}/capture`, {
      body: { amount: 45 },
      template: "/api/credits/holds/{holdId}/capture",
    });
    expect(captured.body).toMatchObject({ status: "CAPTURED", captured_amount: 45, available: 55 });
    const again = await call("POST", `/api/credits/holds/${hold.body.hold_id}/release`, {
      template: "/api/credits/holds/{holdId}/release",
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    const other = await call("POST", `/api/credits/${user.id}/holds`, {
      body: { amount: 10, ttl_seconds: 60, description: "third" },
      template,
    });
    const released = await call("POST", `/api/credits/holds/${other.body.hold_id}/release`, {
      template: "/api/credits/holds/{holdId}/release",
    });
    expect(released.body).toMatchObject({ status: "RELEASED", available: 55 });
    const missing = await call("POST", `/api/credits/holds/${randomUUID()}/capture`, {
      body: { amount: 1 },
      template: "/api/credits/holds/{holdId}/capture",
    });
    expect(missing.status).toBe(404);
  });
});

describe("subscriptions and usage endpoints", () => {
  it("reads the plan, upgrades and cancels by hand without Stripe, and tracks quotas", async () => {
    const user = await createUser();
    const plan = await call("GET", `/api/subscriptions/${user.id}`, {
      template: "/api/subscriptions/{userId}",
    });
    expect(plan.body).toMatchObject({ user_id: user.id, tier: "FREE", managed_by: "none" });
    const upgraded = await call("POST", `/api/subscriptions/${user.id}/upgrade`, {
      body: { tier: "PRO" },
      template: "/api/subscriptions/{userId}/upgrade",
    });
    expect(upgraded.body).toMatchObject({
      tier: "PRO",
      managed_by: "operator",
      checkout_url: null,
    });
    const quotas = await call("GET", `/api/subscriptions/${user.id}/quotas`, {
      template: "/api/subscriptions/{userId}/quotas",
    });
    expect(quotas.body.quotas).toContainEqual(
      expect.objectContaining({ feature: "exports", used: 0, limit: 50 }),
    );
    const tracked = await call("POST", `/api/usage/${user.id}/track`, {
      body: { feature: "exports", quantity: 50 },
      template: "/api/usage/{userId}/track",
    });
    expect(tracked.body).toMatchObject({ success: true, used: 50, remaining: 0 });
    const refused = await call("POST", `/api/usage/${user.id}/track`, {
      body: { feature: "exports" },
      template: "/api/usage/{userId}/track",
    });
    expect(refused).toMatchObject({ status: 429, body: { error: { code: "quota_exceeded" } } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const check = await call("GET", `/api/usage/${user.id}/check?feature=exports`, {
      template: "/api/usage/{userId}/check",
    });
    expect(check.body).toMatchObject({ allowed: false, used: 50, limit: 50 });
    const metered = await call("POST", `/api/usage/${user.id}/track`, {
      body: { feature: "ai_generations", quantity: 1 },
      template: "/api/usage/{userId}/track",
    });
    expect(metered).toMatchObject({ status: 402 });
    const canceled = await call("POST", `/api/subscriptions/${user.id}/cancel`, {
      body: { at_period_end: false },
      template: "/api/subscriptions/{userId}/cancel",
    });
    expect(canceled.body).toMatchObject({ tier: "FREE", status: "CANCELED" });
    const again = await call("POST", `/api/subscriptions/${user.id}/cancel`, {
      body: { at_period_end: false },
      template: "/api/subscriptions/{userId}/cancel",
    });
    expect(again.status).toBe(409);
  });
});
