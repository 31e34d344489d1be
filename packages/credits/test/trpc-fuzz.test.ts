// Property-based fuzzing of every tRPC procedure (read from appRouter, with inputs generated from
// each one's own zod schema and beyond it: wrong types, control characters, lone surrogates,
// numbers and dates past every limit), called as a signed-in user and as an operator (public
// procedures also anonymously): never INTERNAL_SERVER_ERROR, never anything but a tRPC error, and
// a refused call writes nothing. On a database of its own, so row counts are exact.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCaller } from "../src/root.ts";
import type { SessionUser } from "../src/trpc.ts";
import { newKey, rowCounts, withOwnDatabase } from "./fixtures.ts";
import { outcomeOf, procedures, publicProcedures } from "./procedures.ts";
import { billing } from "./stripe-fixtures.ts";
import { arbitraryFor, type KnownValues } from "./zod-arbitrary.ts";

/** Generated inputs per procedure and caller: about 1,600 calls in all. */
const runsPerProcedure = 15;

/** Every table a procedure can write. */
const tables = [
  "users",
  "credit_accounts",
  "credit_transactions",
  "credit_grants",
  "credit_holds",
  "purchases",
  "credit_transfers",
  "idempotency_keys",
  "audit_log",
  "subscriptions",
  "stripe_events",
  "stripe_payments",
  "usage_counters",
  "service_tokens",
  "webhook_endpoints",
  "webhook_deliveries",
  "wanted_event_types",
];

/** The input as a line of a failure message (lone surrogates and U+0000 escaped). */
const shown = (input: unknown) =>
  JSON.stringify(input, (_key, value) => (value === undefined ? "<undefined>" : value))?.slice(
    0,
    300,
  );

describe("tRPC fuzzing", () => {
  it("answers every procedure's generated input with a result or a client error, and a refused call writes nothing", async () => {
    await withOwnDatabase("credits_trpc_fuzz", async ({ db: own }) => {
      const session = (user: SessionUser) =>
        createCaller({ db: own, session: { user }, billing, origin: "http://127.0.0.1:3000" });
      const create = async (email: string, role: SessionUser["role"]) => {
        const row = await own.user.create({ data: { email, role }, select: { id: true } });
        return { id: row.id, email, role };
      };
      const admin = await create("fuzz-admin@example.com", "ADMIN");
      const user = await create("fuzz-user@example.com", "USER");
      const other = await create("fuzz-other@example.com", "USER");
      await session(admin).admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 1_000,
        reason: "fuzzing",
        idempotencyKey: newKey(),
      });
      const purchase = await session(user).purchases.create({
        itemId: "fuzz",
        itemName: "Fuzz",
        credits: 5,
        idempotencyKey: newKey(),
      });
      const known: KnownValues = {
        uuids: [admin.id, user.id, other.id, purchase.purchaseId],
        emails: [admin.email, user.email, other.email],
        words: ["pack_500", "PRO", "default", "reports", "grant"],
      };
      const callers = [
        { who: "anonymous", caller: createCaller({ db: own, session: null, billing, origin: "" }) },
        { who: "user", caller: session(user) },
        { who: "admin", caller: session(admin) },
      ];
      let calls = 0;
      // What the tables held after the last call: a refused call must leave them so.
      let current = await rowCounts(own, tables);
      for (const procedure of procedures) {
        const allowed = callers.filter(({ who }) =>
          publicProcedures.includes(procedure.path)
            ? true
            : procedure.path.startsWith("admin.")
              ? who === "admin"
              : who !== "anonymous",
        );
        for (const { who, caller } of allowed) {
          await fc.assert(
            fc.asyncProperty(arbitraryFor(procedure.input, known), async (input) => {
              calls += 1;
              const outcome = await outcomeOf(caller, procedure.path, input);
              const call = `${who} ${procedure.path}(${shown(input)})`;
              expect(outcome, call).not.toBe("INTERNAL_SERVER_ERROR");
              const [before, after] = [current, await rowCounts(own, tables)];
              current = after;
              if (outcome !== "ok") expect(after, call).toEqual(before);
            }),
            { numRuns: runsPerProcedure, seed: 20261202 },
          );
        }
      }
      expect(calls).toBeGreaterThan(procedures.length * runsPerProcedure);
    });
  }, 240_000);
});
