// What the apps' pages use: the tRPC provider and hooks, the shared components, and the helpers a
// client component may import (nothing here reaches the database).

export * from "../history-filter.ts";
export * from "../plans.ts";
export type { ThresholdStatus } from "../schemas/thresholds.ts";
export { eventTypes } from "../service/events/catalogue.ts";
export { AccountSettings } from "./account.tsx";
export { describeError, fieldErrorMessage, useIdempotencyKey } from "./client.ts";
export { AppDocument } from "./document.tsx";
export { EntryRow } from "./entry-row.tsx";
export { HistoryFilters, NoMatchingEntries } from "./history-filters.tsx";
export { LedgerTable } from "./ledger-table.tsx";
export { LiveCreditUpdates } from "./live-updates.tsx";
export { TRPCProvider, TRPCReactProvider, useTRPC, useTRPCClient } from "./provider.tsx";
export { type Purchase, purchaseColumns } from "./purchase-columns.tsx";
export { SystemStatus } from "./system-status.tsx";
export {
  appsWithDefault,
  describeThreshold,
  ThresholdFields,
  thresholdOfForm,
} from "./threshold-fields.tsx";
