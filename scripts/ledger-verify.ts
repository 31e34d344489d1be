// `pnpm ledger:verify`: checks the ledger's invariants on the database in DATABASE_URL (or the
// embedded one) and exits non-zero when any is violated.
import { verifyLedger } from "@credits/credits";
import { createDatabaseClient } from "@credits/db";
import { openDevelopmentDatabase } from "@credits/db/embedded";
import { loadRootEnvFile } from "@credits/db/env";
import { repoRoot } from "./run.ts";

loadRootEnvFile(repoRoot);
const database = await openDevelopmentDatabase();
const db = createDatabaseClient(database.url, { poolMax: 2 });
try {
  const violations = await verifyLedger(db);
  for (const violation of violations) console.error(`✗ ${violation.check}: ${violation.detail}`);
  console.log(
    violations.length === 0 ? "✓ ledger invariants hold" : `${violations.length} violation(s)`,
  );
  process.exitCode = violations.length === 0 ? 0 : 1;
} finally {
  await db.$disconnect();
  await database.stop();
}
