import { definePlaywrightConfig } from "@credits/playwright-config";

export default definePlaywrightConfig({ app: "web", port: 3100 });
