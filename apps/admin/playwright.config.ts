import { definePlaywrightConfig, trustedHostsEnv } from "@credits/playwright-config";
import { adminPort, webPort, webUrl } from "./e2e/environment.ts";

// The web app runs next to the admin app (same database), so that a service token created in the
// console can be used against the REST API it serves (e2e/tokens.spec.ts). turbo.json builds it
// before this suite.
export default definePlaywrightConfig({
  app: "admin",
  port: adminPort,
  // e2e/webhooks.spec.ts points an endpoint at a receiver on loopback.
  env: { WEBHOOK_ALLOW_PRIVATE_URLS: "on" },
  servers: [
    {
      command: `pnpm --filter @credits/web exec next start --port ${webPort} --hostname 127.0.0.1`,
      url: `${webUrl}/health`,
      env: trustedHostsEnv(webPort),
    },
  ],
});
