import {
  actorLabel,
  cn,
  entryTypeLabel,
  formatDateTime,
  formatNumber,
  formatSigned,
  useViewer,
} from "@credits/ui";
import type { RouterOutputs } from "../index.ts";

type Entry = RouterOutputs["credits"]["history"]["entries"][number];

/**
 * One ledger entry: what, when, by whom (named from the viewer's side) and the signed amount. With
 * `showApp` (lists that span apps) it also names the app and that app's balance after the entry: the
 * ledger keeps balances per app, so without the app beside it the number reads as a wrong total.
 */
export function EntryRow({ entry, showApp = false }: { entry: Entry; showApp?: boolean }) {
  const viewer = useViewer();
  return (
    <li className="flex items-start justify-between gap-4 py-3">
      <div className="min-w-0">
        <p className="truncate font-medium text-zinc-900">{entry.description}</p>
        <p className="text-xs text-zinc-500">
          {entryTypeLabel(entry.type, entry.amount)} · {formatDateTime(entry.createdAt)} · by{" "}
          {actorLabel({ type: entry.actorType, id: entry.actorId }, viewer)}
        </p>
      </div>
      <div className="shrink-0 text-right">
        <p
          className={cn(
            "font-semibold tabular-nums",
            entry.amount > 0 ? "text-green-700" : "text-zinc-900",
          )}
        >
          {formatSigned(entry.amount)}
        </p>
        {showApp && (
          <p className="text-xs text-zinc-500 tabular-nums">
            {entry.appId} balance {formatNumber(entry.balanceAfter)}
          </p>
        )}
      </div>
    </li>
  );
}
