// `pnpm ledger:verify`: checks the ledger's invariants on the database in DATABASE_URL (or the
// embedded one) and exits non-zero when any is violated.
import { verifyLedger } from "@credits/credits";
import { withScriptDatabase } from "./with-database.ts";

const violations = await withScriptDatabase(verifyLedger);
for (const violation of violations) console.error(`✗ ${violation.check}: ${violation.detail}`);
console.log(
  violations.length === 0 ? "✓ ledger invariants hold" : `${violations.length} violation(s)`,
);
process.exitCode = violations.length === 0 ? 0 : 1;
