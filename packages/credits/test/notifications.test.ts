import pg from "pg";
import { describe, expect, it } from "vitest";
import { fundedUser } from "./fixtures.ts";

/**
 * The `credit_changes` trigger, observed from one session (so the test means the same on a real
 * server and on the embedded PGlite, which is a single session). Delivery to other processes is
 * Postgres' LISTEN/NOTIFY itself.
 */
describe("live updates", () => {
  it("notifies `credit_changes` with the account when a watched user's balance changes, at commit only", async () => {
    const { user } = await fundedUser(50);
    const unwatched = await fundedUser(50);
    const session = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await session.connect();
    try {
      const received: { userId: string; appId: string; accountId: string }[] = [];
      session.on("notification", (message) => {
        if (message.channel === "credit_changes" && message.payload)
          received.push(JSON.parse(message.payload));
      });
      await session.query("LISTEN credit_changes");
      await session.query(
        "INSERT INTO credit_change_watchers (user_id, listener) VALUES ($1, 'notifications-test')",
        [user.id],
      );
      const touchBalance = `UPDATE credit_accounts SET balance = balance WHERE user_id = '${user.id}'`;

      await session.query("BEGIN");
      await session.query(touchBalance);
      await session.query("ROLLBACK");
      await session.query("SELECT 1");
      expect(received.filter((change) => change.userId === user.id)).toEqual([]);

      await session.query("BEGIN");
      await session.query(touchBalance);
      await session.query("COMMIT");
      await expect
        .poll(() => received.filter((change) => change.userId === user.id))
        .toEqual([{ userId: user.id, appId: "default", accountId: expect.any(String) }]);

      // Nobody watches the other user: their commits send nothing (and take no notify lock).
      await session.query(
        `UPDATE credit_accounts SET balance = balance WHERE user_id = '${unwatched.user.id}'`,
      );
      await session.query(touchBalance);
      await expect
        .poll(() => received.filter((change) => change.userId === user.id))
        .toHaveLength(2);
      expect(received.filter((change) => change.userId === unwatched.user.id)).toEqual([]);

      // A watcher that stopped refreshing (a dead process) stops counting.
      await session.query(
        "UPDATE credit_change_watchers SET seen_at = now() - interval '3 minutes' WHERE listener = 'notifications-test'",
      );
      await session.query(touchBalance);
      await session.query("SELECT 1");
      expect(received.filter((change) => change.userId === user.id)).toHaveLength(2);
    } finally {
      await session.end();
    }
  });
});
