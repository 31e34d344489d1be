// `pnpm --filter @credits/client generate`: writes openapi.json from the REST routes and the
// client's types from it. Run it after changing a route or schema; a test fails until you do.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { documentFile, renderDocument, renderSchema, schemaFile } from "./render.ts";

const document = renderDocument();
writeFileSync(documentFile, document);
// The repository formats JSON its own way; the freshness test compares the parsed document.
execFileSync("biome", ["format", "--write", documentFile], { stdio: "inherit" });
writeFileSync(schemaFile, await renderSchema(document));
console.log(`wrote ${documentFile} and ${schemaFile}`);
