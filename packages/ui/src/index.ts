export { BarChart, type ChartUnit } from "./bar-chart.tsx";
export { Button } from "./button.tsx";
export { Alert, Badge, Card, CardTitle, EmptyState, Skeleton } from "./card.tsx";
export { ChangeSummary } from "./change-summary.tsx";
export { cn } from "./cn.ts";
export { ConfirmWithReasonDialog } from "./confirm-with-reason-dialog.tsx";
export { CopyField } from "./copy-field.tsx";
export { CreditAmountField, creditAmountProblem } from "./credit-amount.tsx";
export {
  DataTable,
  type DataTableColumn,
  type DataTableProps,
  type SortOrder,
  type TableSort,
} from "./data-table.tsx";
export { dateColumn } from "./date-column.tsx";
export { ConfirmDialog } from "./dialog.tsx";
export { Email } from "./email.tsx";
export { Field } from "./field.tsx";
export {
  type DateFormats,
  formatCredits,
  formatDate,
  formatDateTime,
  formatDay,
  formatDollars,
  formatNumber,
  formatShortDay,
  formatSigned,
} from "./format.ts";
export { LocalDate, useDateFormats } from "./local-dates.tsx";
export { RadioGroup } from "./radio-group.tsx";
export { FilterInput, Select } from "./select.tsx";
export { subscriptionStatusLabels } from "./subscription-status.ts";
export { ToastProvider, useToast } from "./toast.tsx";
export { useViewer, ViewerProvider } from "./viewer.tsx";
export {
  type ActorKind,
  actorLabel,
  auditActionLabel,
  auditActionLabels,
  auditChanges,
  auditFieldLabel,
  type EntryType,
  entryTypeLabel,
  entryTypeOptions,
  formatAuditValue,
  purchaseStatusLabels,
  type Viewer,
} from "./vocabulary.ts";
