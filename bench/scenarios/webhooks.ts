// 7. Webhooks: signed credit-pack events, some delivered twice, some paid twice over.
import { randomUUID } from "node:crypto";
import { seedFundedUsers } from "../lib/data.ts";
import { httpLoad } from "../lib/load.ts";
import { checkoutEvent, signedWebhook } from "../lib/requests.ts";
import type { ScenarioContext } from "../lib/scenario.ts";

export async function measureWebhooks({
  web,
  pool,
  settings,
  correctness,
  measured,
}: ScenarioContext) {
  const url = web.url;
  const webhookUsers = await seedFundedUsers(pool, "webhook", 100, 0);
  const sessions = Array.from({ length: Math.round(settings.webhookEvents * 0.9) }, (_, index) => ({
    id: `cs_bench_${randomUUID().replaceAll("-", "")}`,
    userId: webhookUsers[index % webhookUsers.length] as string,
  }));
  const payloads = sessions.map((session) =>
    checkoutEvent("checkout.session.completed", session.id, session.userId),
  );
  const duplicates = settings.webhookEvents - payloads.length;
  for (let index = 0; index < duplicates; index += 1) {
    const at = Math.floor(Math.random() * payloads.length);
    const session = sessions[at % sessions.length];
    if (!session) continue;
    // Half are the same event again, half another event about the same payment.
    payloads.splice(
      at + 1,
      0,
      index % 2 === 0
        ? (payloads[at] as string)
        : checkoutEvent("checkout.session.async_payment_succeeded", session.id, session.userId),
    );
  }
  const queue = payloads.map(signedWebhook);
  await measured(
    {
      id: "webhooks",
      name: "7. webhooks",
      detail: `${payloads.length} signed events (${duplicates} duplicates), 16 clients`,
      run: () =>
        httpLoad({
          url,
          connections: 16,
          amount: queue.length,
          next: () => queue.shift() ?? signedWebhook(payloads[0] as string),
        }),
    },
    async () => {
      const { rows } = await pool.query<{ wrong: string }>(
        `SELECT COUNT(*) AS wrong FROM unnest($1::uuid[]) AS u(id)
         WHERE (SELECT COALESCE(SUM(amount), 0) FROM credit_transactions t
                WHERE t.user_id = u.id AND t.actor_type = 'STRIPE')
            <> 500 * (SELECT COUNT(*) FROM stripe_payments p WHERE p.user_id = u.id)`,
        [webhookUsers],
      );
      const { rows: paid } = await pool.query<{ count: string }>(
        "SELECT COUNT(*) AS count FROM stripe_payments WHERE id = ANY($1::text[])",
        [sessions.map((session) => session.id)],
      );
      const missing = sessions.length - Number(paid[0]?.count ?? 0);
      const wrong = Number(rows[0]?.wrong ?? 0);
      correctness.push({
        name: "webhooks: credits granted exactly once per payment",
        ok: missing === 0 && wrong === 0,
        detail: `${missing} payment(s) without credits, ${wrong} user(s) with the wrong total`,
      });
      return missing + wrong;
    },
  );
}
