import { describe, expect, it } from "vitest";
import { verifyLedger } from "../src/service/verify.ts";
import { newKey, withOwnDatabase } from "./fixtures.ts";

describe("ledger:verify", () => {
  it("finds nothing on a healthy ledger and names each broken invariant", async () => {
    // A database of its own: this test breaks it on purpose.
    await withOwnDatabase("credits_verify_test", async ({ db, callerAs }) => {
      const [user, admin] = await Promise.all([
        db.user.create({ data: { email: "v-user@example.com" } }),
        db.user.create({ data: { email: "v-admin@example.com", role: "ADMIN" } }),
      ]);
      const asAdmin = callerAs({ id: admin.id, email: admin.email, role: "ADMIN" });
      const asUser = callerAs({ id: user.id, email: user.email, role: "USER" });
      await asAdmin.admin.credits.adjust({
        direction: "grant",
        userId: user.id,
        amount: 100,
        reason: "v",
        idempotencyKey: newKey(),
      });
      await asUser.credits.transfer({
        to: { userId: admin.id },
        amount: 30,
        idempotencyKey: newKey(),
      });
      expect(await verifyLedger(db)).toEqual([]);

      // Break it behind the service layer's back: a balance without an entry, a transfer with one side.
      await db.$executeRaw`UPDATE credit_accounts SET balance = balance + 5 WHERE user_id = ${user.id}::uuid`;
      await db.$executeRaw`INSERT INTO credit_transfers (id, app_id, from_user_id, to_user_id, amount, description)
        VALUES (gen_random_uuid(), 'default', ${user.id}::uuid, ${admin.id}::uuid, 1, 'one-sided')`;
      const checks = new Set((await verifyLedger(db)).map((violation) => violation.check));
      expect(checks).toEqual(
        new Set([
          "account balance equals the sum of its entries",
          "account balance equals the remaining credits of its grants",
          "every transfer has both sides, each of its amount",
        ]),
      );
    });
  });
});
