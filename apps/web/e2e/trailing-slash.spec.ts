import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { e2eServiceToken } from "./environment.ts";

test("[WEB][API] a trailing slash on any REST route is answered as the route, POST included (no redirect)", async ({
  request,
}) => {
  const document = await (await request.get("/api/openapi.json")).json();
  const headers = {
    authorization: `Bearer ${e2eServiceToken}`,
    "content-type": "application/json",
  };
  let checked = 0;
  // Every REST route (this app mounts them all, src/pages/api); not the document's own pages.
  const served = Object.entries(document.paths as Record<string, object>).filter(
    ([template]) => template.startsWith("/api/") && !template.startsWith("/api/docs"),
  );
  for (const [template, methods] of served) {
    const path = template.replace(/\{[^}]+\}/g, randomUUID());
    for (const method of Object.keys(methods).map((name) => name.toUpperCase())) {
      const data = method === "GET" ? undefined : {};
      const plain = await request.fetch(path, { method, headers, data });
      const slashed = await request.fetch(`${path}/`, { method, headers, data, maxRedirects: 0 });
      expect(slashed.status(), `${method} ${template}/`).toBe(plain.status());
      expect(await slashed.json(), `${method} ${template}/`).toEqual(await plain.json());
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(18);
});
