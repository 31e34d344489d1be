// 1b and 2b: the credits service (apps/service: the same REST handler on node:http, without
// Next.js around it), on the same data, for what the framework costs; 1c and 2c: the same spends
// as the service's gRPC UseCredits.
import { creditClient, grpcUseCredits } from "../lib/grpc.ts";
import { httpLoad, loopLoad } from "../lib/load.ts";
import { restDeduct } from "../lib/requests.ts";
import { accountCount, concurrency, pick, type ScenarioContext } from "../lib/scenario.ts";
import { startService } from "../lib/server.ts";
import type { SpendAccounts } from "./accounts.ts";

export async function measurePlainRest(
  { serverEnv, settings, measured, timedLoad }: ScenarioContext,
  { spreadUsers, hotUser }: SpendAccounts,
) {
  const plain = await startService(3301, 3302, serverEnv);
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
    return { plainSpread, plainHot, grpcSpread, grpcHot };
  } finally {
    await plain.stop();
  }
}
