// The committed document and types must be what the routes generate today: a route or schema
// changed without `pnpm --filter @credits/client generate` fails here, not in an integrator's build.
import { readFileSync } from "node:fs";
import { openApiDocument } from "@credits/credits/node";
import { describe, expect, it } from "vitest";
import { documentFile, renderSchema, schemaFile } from "../scripts/render.ts";

const hint = "stale: run `pnpm --filter @credits/client generate` and commit the result";

describe("the generated client files", () => {
  it("openapi.json is the document the REST routes produce", () => {
    const committed = JSON.parse(readFileSync(documentFile, "utf8"));
    expect(committed, `openapi.json is ${hint}`).toEqual(
      JSON.parse(JSON.stringify(openApiDocument())),
    );
  });

  it("src/generated/schema.d.ts is what openapi-typescript makes of openapi.json", async () => {
    const expected = await renderSchema(readFileSync(documentFile, "utf8"));
    expect(readFileSync(schemaFile, "utf8") === expected, `schema.d.ts is ${hint}`).toBe(true);
  });
});
