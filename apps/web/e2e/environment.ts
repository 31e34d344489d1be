// What the e2e servers are started with (playwright.config.ts) and the specs rely on.

/** A second instance of the app on the same database and Redis (e2e/instances.spec.ts). */
export const secondInstanceUrl = "http://127.0.0.1:3102";
/** The bootstrap service token both instances accept for the REST API. */
export const e2eServiceToken = "e2e-service-token-0123456789abcdefghijkl";
/** Requests a minute per user, low enough to reach in a test. */
export const e2eUserRateLimit = 50;
