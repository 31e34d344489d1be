// What the admin suite's servers are started with (playwright.config.ts) and the specs rely on.
import { e2ePort } from "@credits/playwright-config";

/** The admin app under test, the one `baseURL` points at. */
export const adminPort = e2ePort(3101);
export const adminUrl = `http://127.0.0.1:${adminPort}`;
/** The web app started next to the admin app, for the REST API that service tokens open. */
export const webPort = e2ePort(3103);
export const webUrl = `http://127.0.0.1:${webPort}`;
