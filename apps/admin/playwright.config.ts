import { definePlaywrightConfig } from "@credits/playwright-config";

export default definePlaywrightConfig({ app: "admin", port: 3101 });
