// 1b and 2b: the credits service (apps/service: the same REST handler on node:http, without
// Next.js around it), on the same data, for what the framework costs; 1d: 1b again with a webhook
// endpoint subscribed to every default event (credits.spent off), which must cost spends nothing;
// 1e and 2e: purchases (an item id and name recorded with the spend) through REST, the operation
// gRPC's UseCredits makes, which 1c and 2c measure; 1f and 1g: one client, each spend sent once the
// last one answered, with group commit on and on a second service with it off, for what batching
// costs a spend that has the process to itself.
import { creditClient, grpcUseCredits } from "../lib/grpc.ts";
import { httpLoad, loopLoad } from "../lib/load.ts";
import { benchServiceToken, restDeduct, restPurchase } from "../lib/requests.ts";
import { accountCount, concurrency, pick, type ScenarioContext } from "../lib/scenario.ts";
import { type RunningServer, startService } from "../lib/server.ts";
import { startBenchReceiver } from "../lib/webhook-receiver.ts";
import type { SpendAccounts } from "./accounts.ts";

/** Adds an endpoint through the service's API and waits until its test event arrived. */
async function subscribedEndpoint(
  service: RunningServer,
  receiverUrl: string,
  received: () => number,
) {
  const call = (path: string, body: unknown) =>
    fetch(`${service.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${benchServiceToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (response) => {
      if (!response.ok)
        throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    });
  const endpoint = await call("/api/webhook-endpoints", { url: receiverUrl });
  await call(`/api/webhook-endpoints/${endpoint.id}/test`, {});
  const deadline = Date.now() + 15_000;
  while (received() === 0) {
    if (Date.now() > deadline) throw new Error("the webhook worker sent no test event");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return endpoint.id;
}

export async function measurePlainRest(
  { serverEnv, settings, measured, timedLoad, pool }: ScenarioContext,
  { spreadUsers, hotUser }: SpendAccounts,
) {
  const plain = await startService(3301, 3302, { ...serverEnv, WEBHOOK_ALLOW_PRIVATE_URLS: "on" });
  const receiver = await startBenchReceiver();
  try {
    await httpLoad({
      url: plain.url,
      connections: 8,
      amount: 1_000,
      next: () => restDeduct(pick(spreadUsers)),
    });
    const plainSpread = await measured(
      {
        id: "plain-spread",
        name: "1b. spend, spread (apps/service: REST handler on node:http)",
        detail: `${accountCount} accounts, ${concurrency} clients`,
        run: () => timedLoad(plain.url, () => restDeduct(pick(spreadUsers))),
      },
      undefined,
      plain,
    );
    const endpointId = await subscribedEndpoint(plain, receiver.url, receiver.received);
    const plainSpreadWebhook = await measured(
      {
        id: "plain-spread-webhook",
        name: "1d. spend, spread (apps/service), one webhook endpoint subscribed, credits.spent off",
        detail: `${accountCount} accounts, ${concurrency} clients, the delivery worker running`,
        run: () => timedLoad(plain.url, () => restDeduct(pick(spreadUsers))),
      },
      undefined,
      plain,
    );
    await pool.query("DELETE FROM webhook_endpoints WHERE id = $1", [endpointId]);
    const plainHot = await measured(
      {
        id: "plain-hot",
        name: "2b. spend, hot (apps/service: REST handler on node:http)",
        detail: `1 account, ${concurrency} clients`,
        run: () => timedLoad(plain.url, () => restDeduct(hotUser)),
      },
      undefined,
      plain,
    );
    const purchaseSpread = await measured(
      {
        id: "plain-purchase-spread",
        name: "1e. purchase, spread (apps/service: REST POST /api/credits/{id}/purchases)",
        detail: `${accountCount} accounts, ${concurrency} clients, the operation UseCredits makes`,
        run: () => timedLoad(plain.url, () => restPurchase(pick(spreadUsers))),
      },
      undefined,
      plain,
    );
    const purchaseHot = await measured(
      {
        id: "plain-purchase-hot",
        name: "2e. purchase, hot (apps/service: REST)",
        detail: `1 account, ${concurrency} clients`,
        run: () => timedLoad(plain.url, () => restPurchase(hotUser)),
      },
      undefined,
      plain,
    );
    const oneClient = (url: string) =>
      httpLoad({
        url,
        connections: 1,
        seconds: settings.seconds,
        next: () => restDeduct(pick(spreadUsers)),
      });
    const singleDetail = `${accountCount} accounts, 1 client, each spend once the last answered`;
    const single = await measured(
      {
        id: "plain-single",
        name: "1f. spend, one client (apps/service, group commit on)",
        detail: singleDetail,
        run: () => oneClient(plain.url),
      },
      undefined,
      plain,
    );
    const unbatched = await startService(3303, 3304, { ...serverEnv, CREDITS_GROUP_COMMIT: "off" });
    let singleUnbatched: Awaited<ReturnType<typeof measured>>;
    try {
      await oneClient(unbatched.url);
      singleUnbatched = await measured(
        {
          id: "plain-single-unbatched",
          name: "1g. spend, one client (apps/service, group commit off)",
          detail: singleDetail,
          run: () => oneClient(unbatched.url),
        },
        undefined,
        unbatched,
      );
    } finally {
      await unbatched.stop();
    }
    const client = creditClient(plain.grpcUrl ?? "");
    const grpcLoad = (userOf: () => string) =>
      loopLoad({
        concurrency,
        seconds: settings.seconds,
        operation: () => grpcUseCredits(client, userOf()),
      });
    await loopLoad({
      concurrency: 8,
      seconds: 1,
      operation: () => grpcUseCredits(client, hotUser),
    });
    const grpcSpread = await measured(
      {
        id: "grpc-spread",
        name: "1c. spend, spread (apps/service: gRPC UseCredits)",
        detail: `${accountCount} accounts, ${concurrency} concurrent calls on one HTTP/2 connection`,
        run: () => grpcLoad(() => pick(spreadUsers)),
      },
      undefined,
      plain,
    );
    const grpcHot = await measured(
      {
        id: "grpc-hot",
        name: "2c. spend, hot (apps/service: gRPC UseCredits)",
        detail: `1 account, ${concurrency} concurrent calls`,
        run: () => grpcLoad(() => hotUser),
      },
      undefined,
      plain,
    );
    client.close();
    return {
      plainSpread,
      plainSpreadWebhook,
      plainHot,
      purchaseSpread,
      purchaseHot,
      grpcSpread,
      grpcHot,
      single,
      singleUnbatched,
    };
  } finally {
    await plain.stop();
    await receiver.close();
  }
}
