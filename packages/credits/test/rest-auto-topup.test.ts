// /api/credits/{userId}/auto-topup over real HTTP with the fake Stripe: another backend reads and
// sets a user's auto top-up with the tRPC procedure's rules (snake_case), a token's change is in the
// audit log, bad input answers 400 naming the field and changes nothing; every answer is checked
// against the OpenAPI document.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { saveCard } from "./auto-topup-fixtures.ts";
import { createUser, db } from "./fixtures.ts";
import { call, startApi, tokenWith } from "./rest-fixtures.ts";
import { billedCaller, billing } from "./stripe-fixtures.ts";

const billedApi = await startApi({ billing });
afterAll(() => billedApi.close());

const template = "/api/credits/{userId}/auto-topup";
const pathOf = (userId: string) => `/api/credits/${userId}/auto-topup`;
const settings = {
  enabled: true,
  below_credits: 100,
  pack_id: "pack_500",
  monthly_cap_credits: 2_000,
};

const read = (userId: string, token?: string) =>
  call("GET", pathOf(userId), { template, base: billedApi.url, token });
const set = (userId: string, body: unknown, token?: string) =>
  call("POST", pathOf(userId), { template, base: billedApi.url, body, token });

describe("auto top-up over REST", () => {
  it("reads and sets a user's auto top-up as the billing page does, audit-logged with the token", async () => {
    const user = await createUser();
    await saveCard(user, "pm_card_visa");

    const before = await read(user.id);
    expect(before).toMatchObject({
      status: 200,
      body: {
        user_id: user.id,
        platform_user_id: user.id,
        enabled: false,
        below_credits: null,
        card: { brand: "visa", last4: "4242" },
        last_attempt: null,
        payments_configured: true,
      },
    });

    const writer = await tokenWith(["write"]);
    const changed = await set(user.id, { ...settings, created_by: "crm:ops" }, writer.token);
    expect(changed).toMatchObject({
      status: 200,
      body: { enabled: true, below_credits: 100, pack_id: "pack_500", monthly_cap_credits: 2_000 },
    });
    // The same settings the user sees on the billing page.
    expect(await billedCaller(user).billing.autoTopup()).toMatchObject({
      enabled: true,
      belowCredits: 100,
      packId: "pack_500",
      monthlyCapCredits: 2_000,
    });
    const [audit, ...more] = await db.auditLog.findMany({
      where: { targetUserId: user.id, action: "auto_topup.set" },
    });
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({
      actorTokenId: writer.id,
      recordedBy: "crm:ops",
      before: { enabled: false, belowCredits: null },
      after: { enabled: true, belowCredits: 100, packId: "pack_500", monthlyCapCredits: 2_000 },
    });

    const off = await set(user.id, { ...settings, enabled: false });
    expect(off.body.enabled).toBe(false);
  });

  it("answers 400 naming the field for bad settings, 409 without a saved card, 404 for an unknown user, 403 for a read token", async () => {
    const user = await createUser();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...settings, below_credits: 0 }, "below_credits"],
      [{ ...settings, below_credits: 1.5 }, "below_credits"],
      [{ ...settings, pack_id: "pack_nope" }, "pack_id"],
      [{ ...settings, monthly_cap_credits: 499 }, "monthly_cap_credits"],
      [{ ...settings, enabled: "yes" }, "enabled"],
      [{ ...settings, belowCredits: 100 }, "belowCredits"],
    ];
    for (const [body, field] of cases) {
      const answer = await set(user.id, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const { details } = answer.body.error;
      expect(JSON.stringify(details), JSON.stringify(body)).toContain(field);
    }
    const capped = await set(user.id, { ...settings, monthly_cap_credits: 499 });
    expect(JSON.stringify(capped.body.error.details)).toMatch(
      /monthly cap must be at least the pack.s 500/,
    );

    const noCard = await set(user.id, settings);
    expect(noCard).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(noCard.body.error.message).toMatch(/Save a card first/);
    expect(await db.autoTopupSettings.count({ where: { userId: user.id, enabled: true } })).toBe(0);

    expect((await read(randomUUID())).status).toBe(404);
    expect((await set(`crm-${randomUUID()}`, settings)).status).toBe(404);

    const reader = await tokenWith(["read"]);
    expect((await read(user.id, reader.token)).status).toBe(200);
    expect((await set(user.id, { ...settings, enabled: false }, reader.token)).status).toBe(403);
  });
});
