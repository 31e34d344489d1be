// Runs `prisma generate` for prisma/schema.prisma without Prisma's native schema engine.
// The CLI insists on finding the engine binary before any command, although generate never runs it:
// pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub keeps it from trying to download one.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..", "..", "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

const result = spawnSync(
  process.execPath,
  [prismaCli, "generate", "--schema", join(repoRoot, "prisma", "schema.prisma")],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY:
        process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? join(here, "no-schema-engine.sh"),
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  },
);
process.exit(result.status ?? 1);
