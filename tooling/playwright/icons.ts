// Both apps' icons: /favicon.ico for browsers that ask for it unprompted, and the SVG icon every
// page names in its metadata (src/app/favicon.ico and icon.svg of each app).
import { type APIRequestContext, expect } from "@playwright/test";

export async function expectAppIcons(request: APIRequestContext) {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");
  const html = await (await request.get("/sign-in")).text();
  const svg = html.match(/<link rel="icon" href="(\/icon\.svg[^"]*)"/)?.[1];
  expect(svg, "the SVG icon in the page's metadata").toBeDefined();
  const icon = await request.get(svg ?? "");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toBe("image/svg+xml");
}
