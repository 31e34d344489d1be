// Plain JavaScript: Next.js loads next.config.ts's imports from workspace packages untranspiled.

/**
 * The Next.js config both apps share. Loads the repository's root `.env` first (variables already
 * set win), so one file configures every app and script.
 * @param {{ rootDir: URL }} options the repository root
 * @returns {import("next").NextConfig}
 */
export function createNextConfig({ rootDir }) {
  try {
    process.loadEnvFile(new URL(".env", rootDir));
  } catch {
    // No .env file: the process environment alone configures the app.
  }
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // Next.js answers a URL with a trailing slash with a 308 to the one without, which most HTTP
    // clients do not follow for a POST: the REST API's matcher ignores trailing slashes itself, so
    // `/api/credits/u/deduct/` is the deduct (pages resolve either way too).
    skipTrailingSlashRedirect: true,
    // Workspace packages ship TypeScript source; Next compiles them with the app.
    transpilePackages: ["@credits/auth", "@credits/credits", "@credits/db", "@credits/ui"],
    serverExternalPackages: [
      "@prisma/client",
      "@prisma/adapter-pg",
      "pg",
      "prom-client",
      "ioredis",
    ],
    typedRoutes: true,
  };
}
