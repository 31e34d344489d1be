import { actorLabel, cn, entryTypeLabel, formatSigned, LocalDate, useViewer } from "@credits/ui";
import type { RouterOutputs } from "../index.ts";

type Entry = RouterOutputs["credits"]["history"]["entries"][number];

/**
 * One ledger entry in a short list (the dashboard's recent activity): what, when, by whom (named
 * from the viewer's side) and the signed amount. Full lists use LedgerTable.
 */
export function EntryRow({ entry }: { entry: Entry }) {
  const viewer = useViewer();
  return (
    <li className="flex items-start justify-between gap-4 py-3">
      <div className="min-w-0">
        <p className="truncate font-medium text-zinc-900">{entry.description}</p>
        <p className="text-xs text-zinc-500">
          {entryTypeLabel(entry.type, entry.amount)} · <LocalDate value={entry.createdAt} /> · by{" "}
          {actorLabel({ type: entry.actorType, id: entry.actorId }, viewer)}
        </p>
      </div>
      <p
        className={cn(
          "shrink-0 text-right font-semibold tabular-nums",
          entry.amount > 0 ? "text-green-700" : "text-zinc-900",
        )}
      >
        {formatSigned(entry.amount)}
      </p>
    </li>
  );
}
