"use client";

import { Button, EmptyState, entryTypeOptions } from "@credits/ui";
import {
  emptyHistoryFilter,
  type HistoryFilterFields,
  isHistoryFiltered,
} from "../history-filter.ts";

const selectClass = "min-h-10 w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm";

/**
 * The ledger's filters (app, type, date range), shared by the web history and the admin user page;
 * `historyFilterOf` turns what they hold into the query.
 */
export function HistoryFilters({
  value,
  onChange,
  apps,
  legend = "Filters",
}: {
  value: HistoryFilterFields;
  onChange: (next: HistoryFilterFields) => void;
  /** The apps to choose from (the user's accounts); undefined while they load. */
  apps: { appId: string; appName: string }[] | undefined;
  legend?: string;
}) {
  const update = (key: keyof HistoryFilterFields) => (event: { target: { value: string } }) =>
    onChange({ ...value, [key]: event.target.value });
  return (
    <fieldset className="grid grid-cols-2 items-end gap-3 sm:grid-cols-[repeat(4,minmax(0,1fr))_auto]">
      <legend className="sr-only">{legend}</legend>
      <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
        App
        <select className={selectClass} value={value.app} onChange={update("app")}>
          <option value="">All apps</option>
          {apps?.map((app) => (
            <option key={app.appId} value={app.appId}>
              {app.appName}
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
        Type
        <select className={selectClass} value={value.type} onChange={update("type")}>
          <option value="">All types</option>
          {entryTypeOptions.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
      </label>
      <DayField label="From" value={value.from} max={value.to} onChange={update("from")} />
      <DayField label="To" value={value.to} min={value.from} onChange={update("to")} />
      <Button
        variant="secondary"
        className="col-span-2 sm:col-span-1"
        disabled={!isHistoryFiltered(value)}
        onClick={() => onChange(emptyHistoryFilter)}
      >
        Clear filters
      </Button>
    </fieldset>
  );
}

/** A calendar day; `min`/`max` keep the range the right way round. */
function DayField(props: {
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (event: { target: { value: string } }) => void;
}) {
  return (
    <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
      {props.label}
      <input
        type="date"
        className={selectClass}
        value={props.value}
        min={props.min || undefined}
        max={props.max || undefined}
        onChange={props.onChange}
      />
    </label>
  );
}

/** What a filtered history shows when nothing matches. */
export function NoMatchingEntries() {
  return (
    <EmptyState title="No entries match these filters">
      Try another app, type or date range.
    </EmptyState>
  );
}
