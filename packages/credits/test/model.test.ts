// Property-based: random sequences of operations run against the ledger and against a plain
// in-memory model of it; balances must agree after every step, and the invariants must hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../src/service/verify.ts";
import { callerFor, createUser, db, newKey } from "./fixtures.ts";

type Operation =
  | { kind: "grant"; user: number; amount: number }
  | { kind: "purchase"; user: number; amount: number }
  | { kind: "transfer"; from: number; to: number; amount: number }
  | { kind: "debit"; user: number; amount: number }
  | { kind: "refundLast"; user: number }
  | { kind: "retryLast" };

const userIndex = fc.integer({ min: 0, max: 2 });
const amount = fc.integer({ min: 1, max: 300 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("grant" as const), user: userIndex, amount }),
  fc.record({ kind: fc.constant("purchase" as const), user: userIndex, amount }),
  fc.record({ kind: fc.constant("transfer" as const), from: userIndex, to: userIndex, amount }),
  fc.record({ kind: fc.constant("debit" as const), user: userIndex, amount }),
  fc.record({ kind: fc.constant("refundLast" as const), user: userIndex }),
  fc.record({ kind: fc.constant("retryLast" as const) }),
);

describe("the ledger against a model", () => {
  it("agrees on every balance after random operations, and ledger:verify finds nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 25 }), async (operations) => {
        const admin = callerFor(await createUser("ADMIN"));
        const users = await Promise.all([createUser(), createUser(), createUser()]);
        const callers = users.map((user) => callerFor(user));
        const model = [0, 0, 0];
        const unrefunded: { purchaseId: string; credits: number }[][] = [[], [], []];
        const previous: { call: (() => Promise<unknown>) | null } = { call: null };

        const attempt = async (
          call: () => Promise<unknown>,
          apply: (result: unknown) => void,
          canPay: boolean,
        ) => {
          previous.call = call;
          const outcome = await call().then(
            (result) => ({ ok: true as const, result }),
            (error: { code?: string }) => ({ ok: false as const, code: error.code }),
          );
          if (canPay) {
            expect(outcome.ok).toBe(true);
            if (outcome.ok) apply(outcome.result);
          } else {
            expect(outcome).toMatchObject({ ok: false });
            expect(["PAYMENT_REQUIRED", "BAD_REQUEST"]).toContain(outcome.ok ? "" : outcome.code);
          }
        };

        for (const op of operations) {
          switch (op.kind) {
            case "grant":
            case "debit": {
              const sign = op.kind === "grant" ? 1 : -1;
              const input = {
                direction: op.kind,
                userId: users[op.user]?.id ?? "",
                amount: op.amount,
                reason: "model",
                idempotencyKey: newKey(),
              };
              await attempt(
                () => admin.admin.credits.adjust(input),
                () => {
                  model[op.user] = (model[op.user] ?? 0) + sign * op.amount;
                },
                op.kind === "grant" || (model[op.user] ?? 0) >= op.amount,
              );
              break;
            }
            case "purchase": {
              const input = {
                itemId: "m",
                itemName: "Model item",
                credits: op.amount,
                idempotencyKey: newKey(),
              };
              await attempt(
                () =>
                  callers[op.user]?.purchases.create(input) ??
                  Promise.reject(new Error("no caller")),
                (result) => {
                  model[op.user] = (model[op.user] ?? 0) - op.amount;
                  unrefunded[op.user]?.push({
                    purchaseId: (result as { purchaseId: string }).purchaseId,
                    credits: op.amount,
                  });
                },
                (model[op.user] ?? 0) >= op.amount,
              );
              break;
            }
            case "transfer": {
              const input = {
                to: { userId: users[op.to]?.id ?? "" },
                amount: op.amount,
                idempotencyKey: newKey(),
              };
              await attempt(
                () =>
                  callers[op.from]?.credits.transfer(input) ??
                  Promise.reject(new Error("no caller")),
                () => {
                  model[op.from] = (model[op.from] ?? 0) - op.amount;
                  model[op.to] = (model[op.to] ?? 0) + op.amount;
                },
                op.from !== op.to && (model[op.from] ?? 0) >= op.amount,
              );
              break;
            }
            case "refundLast": {
              const purchase = unrefunded[op.user]?.pop();
              if (!purchase) break;
              const input = {
                purchaseId: purchase.purchaseId,
                reason: "model",
                idempotencyKey: newKey(),
              };
              await attempt(
                () => admin.admin.purchases.refund(input),
                () => {
                  model[op.user] = (model[op.user] ?? 0) + purchase.credits;
                },
                true,
              );
              break;
            }
            case "retryLast": {
              // A retry of the last call with its own key changes nothing, whatever it was.
              await previous.call?.().catch(() => undefined);
              break;
            }
          }
          const balances = await Promise.all(callers.map((caller) => caller.credits.balance()));
          expect(balances.map((balance) => balance.total)).toEqual(model);
        }
      }),
      { numRuns: 15 },
    );
    expect(await verifyLedger(db)).toEqual([]);
  });
});
