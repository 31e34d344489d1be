// Property-based fuzzing of every REST endpoint: malformed bodies, paths and headers (wrong types,
// huge numbers, unicode, injection strings, oversized bodies) always get a 4xx JSON error in the
// one shape, never a 5xx, and a refused request writes nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routes } from "../src/rest/routes/index.ts";
import { createUser, db } from "./fixtures.ts";
import { api, bootstrapToken, userWithCredits } from "./rest-fixtures.ts";

const nasty = fc.constantFrom(
  "'; DROP TABLE credit_transactions; --",
  '" OR 1=1 --',
  "../../etc/passwd",
  "%00",
  "\u0000",
  "<script>alert(1)</script>",
  "𝕦𝕟𝕚𝕔𝕠𝕕𝕖 🎉",
  "\u202e\u0301",
  ["$", "{jndi:ldap://x}"].join(""),
  "9".repeat(400),
  // Nineteen digits, as a bigint cursor has, but above bigint's maximum.
  "9999999999999999999",
  "-0",
  "NaN",
  "Infinity",
  "1e309",
  "null",
  "[]",
  "{}",
);

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e21, -1, 0, 0.5, 2 ** 63, -(2 ** 53)),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const fieldNames = [
  "amount",
  "description",
  "app_id",
  "expires_at",
  "source",
  "to_user_id",
  "item_id",
  "item_name",
  "credits",
  "ttl_seconds",
  "tier",
  "at_period_end",
  "feature",
  "quantity",
  "__proto__",
  "constructor",
];

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .dictionary(fc.constantFrom(...fieldNames), weirdValue, { maxKeys: 6 })
    .map((value) => JSON.stringify(value)),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "{",
    "[1,2",
    "\u0000\u0001",
    `{"amount": ${"9".repeat(5000)}}`,
    "x".repeat(70_000),
  ),
);

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

const pathSegment: fc.Arbitrary<string> = fc.oneof(
  nasty,
  fc.uuid(),
  fc.string({ maxLength: 30 }),
  fc.constant(""),
);

describe("REST fuzzing", () => {
  it("answers every malformed request with a 4xx JSON error and writes nothing", async () => {
    const owner = await userWithCredits(1_000);
    const other = await createUser();
    const counts = async () => ({
      entries: await db.creditTransaction.count({
        where: { userId: { in: [owner.id, other.id] } },
      }),
      holds: await db.creditHold.count({ where: { account: { userId: owner.id } } }),
      subscriptions: await db.subscription.count({
        where: { userId: { in: [owner.id, other.id] } },
      }),
      usage: await db.usageCounter.count({ where: { userId: { in: [owner.id, other.id] } } }),
    });
    const request = fc.record({
      route: fc.constantFrom(...routes),
      method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
      userSegment: fc.oneof(fc.constant(owner.id), fc.constant(other.id), pathSegment),
      extraPath: fc.oneof(
        fc.constant(""),
        pathSegment.map((segment) => `/${encodeURIComponent(segment)}`),
      ),
      query: fc.dictionary(
        fc.constantFrom("limit", "cursor", "app_id", "type", "feature", "quantity", "x"),
        nasty,
        { maxKeys: 3 },
      ),
      body,
      auth: fc.oneof(
        fc.constant<string | null>(null),
        fc.constant(`Bearer ${bootstrapToken}`),
        printable.map((token) => `Bearer ${token}`),
        printable,
      ),
      contentType: fc.constantFrom(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
      ),
      idempotencyKey: fc.option(printable, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const path =
          input.route.path
            .replace("{userId}", encodeURIComponent(input.userSegment))
            .replace("{holdId}", encodeURIComponent(input.userSegment)) + input.extraPath;
        const url = new URL(path, api.url);
        for (const [name, value] of Object.entries(input.query)) url.searchParams.set(name, value);
        const headers: Record<string, string> = {};
        if (input.auth !== null) headers.authorization = input.auth;
        if (input.contentType) headers["content-type"] = input.contentType;
        if (input.idempotencyKey !== undefined) headers["idempotency-key"] = input.idempotencyKey;
        const before = await counts();
        const response = await fetch(url, {
          method: input.method,
          headers,
          body: ["GET", "HEAD"].includes(input.method) ? undefined : input.body,
        });
        const text = await response.text();
        expect(
          response.status,
          `${input.method} ${url.pathname}: ${text.slice(0, 300)}`,
        ).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = JSON.parse(text);
          expect(parsed).toEqual({
            error: expect.objectContaining({
              code: expect.any(String),
              message: expect.any(String),
            }),
          });
          expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|SELECT |INSERT |prisma/i);
          // A refused request changed nothing (a well-formed one may succeed; that is no finding).
          expect(await counts()).toEqual(before);
        }
      }),
      { numRuns: 400, seed: 20261123 },
    );
  }, 120_000);
});
