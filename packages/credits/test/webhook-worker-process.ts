// The delivery worker as a process of its own, for the test that kills it mid-attempt
// (webhook-delivery.test.ts): started with `node --import tsx`, it prints "ready" once running.
import { createDatabaseClient } from "@credits/db";
import { webhookConfigFrom } from "../src/service/webhooks/config.ts";
import { startWebhookWorker } from "../src/service/webhooks/worker.ts";

const connectionString = process.env.DATABASE_URL ?? "";
await startWebhookWorker({
  db: createDatabaseClient(connectionString, { poolMax: 4 }),
  connectionString,
  config: webhookConfigFrom(process.env),
  logger: { error: (message) => console.error(message) },
});
console.log("ready");
