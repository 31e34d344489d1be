// Numbers, cursors and dates beyond what Postgres or JavaScript can hold (a 19-digit cursor above
// bigint's maximum, amounts past 2^53, dates in the year -271821) are refused as invalid input with
// the field named, over tRPC and REST alike, never a 500.
import { describe, expect, it } from "vitest";
import { createTrpcRouteHandler } from "../src/next/handlers.ts";
import type { SessionUser } from "../src/trpc.ts";
import {
  callerFor,
  createUser,
  db,
  entryCount,
  newKey,
  trpcErrorOf,
  unconfiguredBilling,
} from "./fixtures.ts";
import { call, userWithCredits } from "./rest-fixtures.ts";

const beyondBigint = "9999999999999999999";
const maxBigint = "9223372036854775807";
const farPast = new Date(-8.64e15).toISOString();
const farFuture = new Date(8.64e15).toISOString();

/** Calls a query over HTTP as the browser does (superjson input), and returns the wire answer. */
async function trpcQuery(user: SessionUser, path: string, input: unknown) {
  const handler = createTrpcRouteHandler(async () => ({
    db,
    session: { user },
    billing: unconfiguredBilling,
    origin: "http://localhost",
  }));
  // Dates travel as superjson dates, like the client sends them.
  const dates = Object.entries(input as Record<string, unknown>)
    .filter(([, value]) => value instanceof Date)
    .map(([key]) => key);
  const json = JSON.parse(JSON.stringify(input));
  const meta = dates.length
    ? { meta: { values: Object.fromEntries(dates.map((key) => [key, ["Date"]])) } }
    : {};
  const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json, ...meta }))}`;
  const response = await handler(new Request(url));
  return { status: response.status, body: await response.json() };
}

function fieldErrorsOf(body: { error: { json: { data: { fieldErrors: unknown } } } }) {
  return body.error.json.data.fieldErrors as Record<string, string[]>;
}

describe("cursors beyond bigint", () => {
  it("answers 400 with a field error over tRPC, for the user's and the operator's history and the audit log", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    for (const [caller, path, input] of [
      [user, "credits.history", { cursor: beyondBigint }],
      [admin, "admin.users.history", { userId: user.id, cursor: beyondBigint }],
      [admin, "admin.audit.list", { cursor: beyondBigint }],
    ] as const) {
      const answer = await trpcQuery(caller, path, input);
      expect(answer.status, path).toBe(400);
      expect(fieldErrorsOf(answer.body), path).toEqual({
        cursor: ["must be a cursor from a previous page"],
      });
    }
    // The largest bigint itself is a valid cursor (an empty page below it... or the whole history).
    const largest = await trpcQuery(user, "credits.history", { cursor: maxBigint });
    expect(largest.status).toBe(200);
    const events = await trpcQuery(admin, "admin.stripeEvents.list", {
      cursor: `${"9".repeat(20)}:evt_x`,
    });
    expect(events.status).toBe(400);
    expect(fieldErrorsOf(events.body)).toHaveProperty("cursor");
  });

  it("answers 400 with the query field over REST, as the document says", async () => {
    const user = await createUser();
    const template = "/api/credits/{userId}/history";
    const beyond = await call("GET", `/api/credits/${user.id}/history?cursor=${beyondBigint}`, {
      template,
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.details.query).toEqual({
      cursor: ["must be the next_cursor of a previous page"],
    });
    const largest = await call("GET", `/api/credits/${user.id}/history?cursor=${maxBigint}`, {
      template,
    });
    expect(largest).toMatchObject({ status: 200, body: { transactions: [], next_cursor: null } });
  });
});

describe("dates beyond what both JavaScript and Postgres hold", () => {
  it("refuses them as invalid dates over tRPC", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    for (const [caller, path, input, field] of [
      [user, "credits.history", { from: new Date(farPast) }, "from"],
      [user, "credits.history", { to: new Date(farFuture) }, "to"],
      [user, "credits.balanceAt", { at: new Date(farPast) }, "at"],
      [admin, "admin.audit.list", { from: new Date(farPast) }, "from"],
    ] as const) {
      const answer = await trpcQuery(caller, path, input);
      expect(answer.status, `${path} ${field}`).toBe(400);
      expect(fieldErrorsOf(answer.body)[field], `${path} ${field}`).toEqual([
        "must be a date between the years 1970 and 9999",
      ]);
    }
    const ordinary = await trpcQuery(user, "credits.history", {
      from: new Date("2020-01-01T00:00:00Z"),
    });
    expect(ordinary.status).toBe(200);
  });
});

describe("numbers beyond the limits", () => {
  const huge = [1e12 + 1, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 1e21];

  it("refuses amounts, counts, durations and quantities past their maximum over REST, writing nothing", async () => {
    const user = await userWithCredits(100);
    const entries = await entryCount(user.id);
    const hold = await call("POST", `/api/credits/${user.id}/holds`, {
      body: { amount: 10, ttl_seconds: 60, description: "hold" },
    });
    expect(hold.status).toBe(200);
    const bodies: [string, string, (value: number) => Record<string, unknown>, string][] = [
      ["/api/credits/{userId}/add", "add", (amount) => ({ amount, description: "x" }), "amount"],
      [
        "/api/credits/{userId}/deduct",
        "deduct",
        (amount) => ({ amount, description: "x" }),
        "amount",
      ],
      [
        "/api/credits/{userId}/transfer",
        "transfer",
        (amount) => ({ amount, to_user_id: user.id }),
        "amount",
      ],
      [
        "/api/credits/{userId}/purchases",
        "purchases",
        (credits) => ({ credits, item_id: "a", item_name: "A" }),
        "credits",
      ],
      [
        "/api/credits/{userId}/holds",
        "holds",
        (ttl) => ({ amount: 1, ttl_seconds: ttl, description: "x" }),
        "ttl_seconds",
      ],
      [
        "/api/usage/{userId}/track",
        "track",
        (quantity) => ({ feature: "exports", quantity }),
        "quantity",
      ],
    ];
    for (const [template, , body, field] of bodies) {
      for (const value of huge) {
        const path = template.replace("{userId}", user.id);
        const answer = await call("POST", path, { body: body(value), template });
        expect(answer.status, `${template} ${field}=${value}`).toBe(400);
        expect(Object.keys(answer.body.error.details.body), `${template} ${value}`).toContain(
          field,
        );
      }
    }
    // JSON numbers too large for a double parse as Infinity: still a field error, not a crash.
    const infinite = await call("POST", `/api/credits/${user.id}/add`, {
      rawBody: '{"amount": 1e400, "description": "x"}',
      headers: { "content-type": "application/json" },
      template: "/api/credits/{userId}/add",
    });
    expect(infinite.body.error.details.body.amount).toEqual(["must be a number of credits"]);
    const capture = await call("POST", `/api/credits/holds/${hold.body.hold_id}/capture`, {
      body: { amount: 2 ** 63 },
      template: "/api/credits/holds/{holdId}/capture",
    });
    expect(capture.status).toBe(400);
    for (const query of ["limit=1e400", `limit=${"9".repeat(25)}`, "limit=0"]) {
      const answer = await call("GET", `/api/credits/${user.id}/history?${query}`, {
        template: "/api/credits/{userId}/history",
      });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.details.query, query).toHaveProperty("limit");
    }
    for (const quantity of ["1e400", "99999999999999999999", "1.5"]) {
      const answer = await call(
        "GET",
        `/api/usage/${user.id}/check?feature=exports&quantity=${quantity}`,
        { template: "/api/usage/{userId}/check" },
      );
      expect(answer.status, quantity).toBe(400);
      // Messages a person understands, not zod's defaults about int ranges.
      expect(answer.body.error.details.query.quantity[0], quantity).toMatch(
        /^must be (a number|a whole number|at most 1,000,000 per call)$/,
      );
    }
    // Only the hold's entry-free reservation happened; none of the refused calls wrote.
    expect(await entryCount(user.id)).toBe(entries);
  });

  it("refuses them over tRPC with the field named", async () => {
    const user = await createUser();
    for (const [path, input, field] of [
      ["credits.history", { limit: 1e6 }, "limit"],
      ["credits.history", { limit: 2 ** 63 }, "limit"],
      ["usage.check", { feature: "exports", quantity: 2 ** 53 + 2 }, "quantity"],
      ["credits.spendingByDay", { days: 1e21 }, "days"],
    ] as const) {
      const answer = await trpcQuery(user, path, input);
      expect(answer.status, `${path} ${field}`).toBe(400);
      expect(fieldErrorsOf(answer.body), `${path} ${field}`).toHaveProperty(field);
    }
    const caller = callerFor(user);
    for (const amount of huge) {
      const transfer = await trpcErrorOf(
        caller.credits.transfer({ to: { userId: user.id }, amount, idempotencyKey: newKey() }),
      );
      expect(transfer.code).toBe("BAD_REQUEST");
      const purchase = await trpcErrorOf(
        caller.purchases.create({
          itemId: "a",
          itemName: "A",
          credits: amount,
          idempotencyKey: newKey(),
        }),
      );
      expect(purchase.code).toBe("BAD_REQUEST");
    }
  });
});
