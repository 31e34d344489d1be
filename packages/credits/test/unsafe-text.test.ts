// Characters PostgreSQL cannot store (U+0000, lone surrogates) or the apps cannot show safely
// (control characters, noncharacters, invisible direction overrides, line breaks in one-line
// fields) are refused in every text field, over tRPC and REST alike, as a field error naming the
// field: never a 500, and nothing written. Text that merely looks unusual is stored as sent.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import {
  auditOf,
  callerFor,
  createUser,
  db,
  entryCount,
  fundedUser,
  newKey,
  trpcErrorOf,
} from "./fixtures.ts";
import { call, userWithCredits } from "./rest-fixtures.ts";

/** One of each kind of character refused, with the words its message has. */
const refused = [
  ["\u0000", "a control character (U+0000)"],
  ["\u0007", "a control character (U+0007)"],
  ["\u009b", "a control character (U+009B)"],
  ["\ud800", "half of a surrogate pair (U+D800)"],
  ["\uffff", "a noncharacter (U+FFFF)"],
  ["\u202e", "an invisible text-direction control (U+202E)"],
  ["\n", "a line break (U+000A)"],
] as const;

const badText = (character: string) => `Note ${character} here`;

/** The field errors of a refused tRPC call (the same ones its HTTP answer carries). */
async function fieldErrorsOf(call: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await trpcErrorOf(call);
  expect(error.code).toBe("BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(ZodError);
  return z.flattenError(error.cause as ZodError).fieldErrors as Record<string, string[]>;
}

describe("unsafe characters over tRPC", () => {
  it("are a BAD_REQUEST naming the field, in every text input of users and operators, and nothing is written", async () => {
    const { user, caller, admin, adminCaller } = await fundedUser(100);
    const recipient = await createUser();
    const purchase = await caller.purchases.create({
      itemId: "item",
      itemName: "Item",
      credits: 5,
      idempotencyKey: newKey(),
    });
    const anonymous = callerFor(null);
    const cases: [string, string, (text: string) => Promise<unknown>][] = [
      [
        "auth.signUp",
        "name",
        (text) =>
          anonymous.auth.signUp({
            name: text,
            email: `text-${randomUUID()}@example.com`,
            password: "long enough pw",
          }),
      ],
      [
        "auth.signUp",
        "password",
        (text) =>
          anonymous.auth.signUp({
            name: "Ann",
            email: `text-${randomUUID()}@example.com`,
            password: text,
          }),
      ],
      [
        "credits.transfer",
        "description",
        (text) =>
          caller.credits.transfer({
            to: { email: recipient.email },
            amount: 1,
            description: text,
            idempotencyKey: newKey(),
          }),
      ],
      [
        "purchases.create",
        "itemId",
        (text) =>
          caller.purchases.create({
            itemId: text,
            itemName: "Item",
            credits: 1,
            idempotencyKey: newKey(),
          }),
      ],
      [
        "purchases.create",
        "itemName",
        (text) =>
          caller.purchases.create({
            itemId: "item",
            itemName: text,
            credits: 1,
            idempotencyKey: newKey(),
          }),
      ],
      ["admin.users.search", "query", (text) => adminCaller.admin.users.search({ query: text })],
      ["admin.users.search", "cursor", (text) => adminCaller.admin.users.search({ cursor: text })],
      [
        "admin.users.setRole",
        "reason",
        (text) => adminCaller.admin.users.setRole({ userId: user.id, role: "ADMIN", reason: text }),
      ],
      ["admin.audit.list", "action", (text) => adminCaller.admin.audit.list({ action: text })],
      [
        "admin.credits.adjust",
        "reason",
        (text) =>
          adminCaller.admin.credits.adjust({
            direction: "grant",
            userId: user.id,
            amount: 1,
            reason: text,
            idempotencyKey: newKey(),
          }),
      ],
      [
        "admin.credits.bulkGrant",
        "reason",
        (text) =>
          adminCaller.admin.credits.bulkGrant({
            batchKey: newKey(),
            emails: [user.email],
            amount: 1,
            reason: text,
          }),
      ],
      [
        "admin.purchases.refund",
        "reason",
        (text) =>
          adminCaller.admin.purchases.refund({
            purchaseId: purchase.purchaseId,
            reason: text,
            idempotencyKey: newKey(),
          }),
      ],
      [
        "admin.subscriptions.setTier",
        "reason",
        (text) =>
          adminCaller.admin.subscriptions.setTier({ userId: user.id, tier: "PRO", reason: text }),
      ],
      [
        "admin.subscriptions.cancel",
        "reason",
        (text) =>
          adminCaller.admin.subscriptions.cancel({
            userId: user.id,
            atPeriodEnd: true,
            reason: text,
          }),
      ],
      [
        "admin.subscriptions.resume",
        "reason",
        (text) => adminCaller.admin.subscriptions.resume({ userId: user.id, reason: text }),
      ],
      [
        "admin.stripeEvents.list",
        "type",
        (text) => adminCaller.admin.stripeEvents.list({ type: text }),
      ],
      [
        "admin.tokens.create",
        "name",
        (text) => adminCaller.admin.tokens.create({ name: text, scopes: ["read"] }),
      ],
    ];
    const written = async () => ({
      entries: await entryCount(user.id),
      recipientEntries: await entryCount(recipient.id),
      audit: (await auditOf(user.id)).length,
      tokens: await db.serviceToken.count({ where: { createdById: admin.id } }),
      role: (await db.user.findUniqueOrThrow({ where: { id: user.id } })).role,
    });
    const before = await written();
    for (const [path, field, send] of cases) {
      for (const [character, problem] of refused) {
        const fields = await fieldErrorsOf(send(badText(character)));
        expect(fields, `${path} ${field} with ${problem}`).toEqual({
          [field]: [`must not contain ${problem}`],
        });
      }
    }
    expect(await written()).toEqual(before);
  });

  it("stores text in any script, with emoji, joiners and direction marks, as it was sent", async () => {
    const { caller } = await fundedUser(10);
    const recipient = await createUser();
    const description = "شكراً لك\u200f 👩‍💻 ÅÉ 中文 — ok";
    await caller.credits.transfer({
      to: { userId: recipient.id },
      amount: 1,
      description,
      idempotencyKey: newKey(),
    });
    const { entries } = await caller.credits.history({});
    expect(entries[0]?.description).toBe(description);
  });
});

describe("unsafe characters over REST", () => {
  it("are a 400 naming the body's field on every route that takes text, and nothing is written", async () => {
    const user = await userWithCredits(100);
    const other = await createUser();
    const cases: [string, string, Record<string, unknown>][] = [
      [`/api/credits/${user.id}/add`, "description", { amount: 1 }],
      [`/api/credits/${user.id}/deduct`, "description", { amount: 1 }],
      [`/api/credits/${user.id}/transfer`, "description", { amount: 1, to_user_id: other.id }],
      [`/api/credits/${user.id}/purchases`, "item_id", { item_name: "Item", credits: 1 }],
      [`/api/credits/${user.id}/purchases`, "item_name", { item_id: "item", credits: 1 }],
      [`/api/credits/${user.id}/holds`, "description", { amount: 1, ttl_seconds: 60 }],
    ];
    const before = await entryCount(user.id);
    for (const [path, field, body] of cases) {
      for (const [character, problem] of refused) {
        const answer = await call("POST", path, { body: { ...body, [field]: badText(character) } });
        expect(answer.status, `${path} ${field} with ${problem}`).toBe(400);
        expect(answer.body.error).toMatchObject({
          code: "invalid_request",
          details: { body: { [field]: [`must not contain ${problem}`] } },
        });
      }
    }
    expect(await entryCount(user.id)).toBe(before);
    expect(await db.creditHold.count({ where: { account: { userId: user.id } } })).toBe(0);
  });
});
