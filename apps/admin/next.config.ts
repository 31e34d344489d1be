import type { NextConfig } from "next";

// One .env at the repository root configures every app and script; variables already set win.
try {
  process.loadEnvFile(new URL("../../.env", import.meta.url));
} catch {
  // No .env file: the process environment alone configures the app.
}

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: ["@credits/credits", "@credits/db"],
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg"],
  typedRoutes: true,
};

export default config;
