// Runs the fake Stripe as a process, e.g. as a Playwright webServer:
//
//   FAKE_STRIPE_PORT=12111 STRIPE_WEBHOOK_SECRET=whsec_test \
//   FAKE_STRIPE_WEBHOOK_URL=http://127.0.0.1:3000/api/webhooks/stripe pnpm start
//
// FAKE_STRIPE_PRICES (optional) is a JSON object of price id → unit amount in cents. Simulations
// are driven over HTTP through the /_fake/ control endpoints (see README.md).
import { type FakeStripeOptions, startFakeStripe } from "./index.ts";

function fail(message: string): never {
  console.error(`[stripe-fake] ${message}`);
  process.exit(1);
}

const port = Number(process.env.FAKE_STRIPE_PORT);
if (!process.env.FAKE_STRIPE_PORT || !Number.isInteger(port) || port < 0 || port > 65_535) {
  fail("FAKE_STRIPE_PORT must be set to a port number");
}

const options: FakeStripeOptions = { port };

const pricesJson = process.env.FAKE_STRIPE_PRICES;
if (pricesJson) {
  let prices: unknown;
  try {
    prices = JSON.parse(pricesJson);
  } catch {
    fail("FAKE_STRIPE_PRICES must be a JSON object of price id → unit amount in cents");
  }
  if (
    !prices ||
    typeof prices !== "object" ||
    Array.isArray(prices) ||
    !Object.values(prices).every((amount) => Number.isInteger(amount) && amount >= 0)
  ) {
    fail("FAKE_STRIPE_PRICES must be a JSON object of price id → unit amount in cents");
  }
  options.prices = prices as Record<string, number>;
}

const secret = process.env.STRIPE_WEBHOOK_SECRET;
const webhookUrl = process.env.FAKE_STRIPE_WEBHOOK_URL;
if (secret && webhookUrl) options.webhook = { url: webhookUrl, secret };

const fake = await startFakeStripe(options);
console.log(
  `[stripe-fake] listening on ${fake.url}${options.webhook ? `, sending webhooks to ${options.webhook.url}` : ", webhooks off"}`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[stripe-fake] ${signal}: stopping`);
  await fake.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
