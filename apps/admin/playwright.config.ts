import { definePlaywrightConfig, e2ePort } from "@credits/playwright-config";

export default definePlaywrightConfig({ app: "admin", port: e2ePort(3101) });
