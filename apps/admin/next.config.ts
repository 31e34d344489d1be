import { createNextConfig } from "@credits/next-config";

const config = createNextConfig({ rootDir: new URL("../../", import.meta.url) });

export default {
  ...config,
  // forbidden() answers a non-administrator's console pages with a real 403 (src/app/forbidden.tsx).
  experimental: { ...config.experimental, authInterrupts: true },
};
