"use client";

import {
  Bar,
  CartesianGrid,
  BarChart as RechartsBarChart,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { type DateFormats, formatNumber } from "./format.ts";
import { useDateFormats } from "./local-dates.tsx";

interface DayValue {
  /** The calendar day, "2026-12-02". */
  day: string;
  value: number;
}

/** What a bar counts, in the singular and the plural: credits unless said otherwise. */
export interface ChartUnit {
  one: string;
  other: string;
}

const credits: ChartUnit = { one: "credit", other: "credits" };

const withUnit = (value: number, unit: ChartUnit) =>
  `${formatNumber(value)} ${Math.abs(value) === 1 ? unit.one : unit.other}`;

function dayTooltip(unit: ChartUnit, dates: DateFormats) {
  return function DayTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
    const point = payload?.[0]?.payload as DayValue | undefined;
    if (!active || !point) return null;
    return (
      <div className="rounded-lg bg-white px-3 py-2 text-sm shadow-md ring-1 ring-zinc-200">
        <p className="text-zinc-600">{dates.day(point.day)}</p>
        <p className="font-semibold tabular-nums">{withUnit(point.value, unit)}</p>
      </div>
    );
  };
}

/**
 * Credits per day as bars, with a credits axis, day labels and a tooltip giving the exact day and
 * amount. The same numbers are in a table for screen readers, inside a visually hidden box (a table
 * itself grows to its content, whatever its width, and would widen the page). A period with nothing
 * in it shows `empty` instead of a row of invisible bars.
 */
export function BarChart({
  data,
  label,
  empty,
  unit = credits,
}: {
  data: DayValue[];
  /** What the chart shows, e.g. "Credits spent per day over the last 30 days". */
  label: string;
  empty: string;
  unit?: ChartUnit;
}) {
  const dates = useDateFormats();
  const hasData = data.some((point) => point.value !== 0);
  return (
    <figure className="relative">
      {hasData ? (
        // Recharts draws nothing on the server: the box (a class, not a style attribute, for the CSP)
        // keeps its height so nothing shifts.
        <div className="h-44" aria-hidden="true" data-testid="bar-chart">
          <ResponsiveContainer width="100%" height="100%" minWidth={0}>
            <RechartsBarChart
              data={data}
              // Room on the left for the unit, written beside the axis rather than over its ticks.
              margin={{ top: 8, right: 4, bottom: 0, left: 12 }}
              // The table below is what screen readers and keyboards get; the drawing is hidden
              // from them, so it must not take focus either.
              accessibilityLayer={false}
            >
              <CartesianGrid vertical={false} stroke="#e4e4e7" />
              <XAxis
                dataKey="day"
                tickFormatter={dates.shortDay}
                tickLine={false}
                axisLine={{ stroke: "#d4d4d8" }}
                tick={{ fontSize: 12, fill: "#52525b" }}
                minTickGap={24}
              />
              <YAxis
                allowDecimals={false}
                tickFormatter={formatNumber}
                tickLine={false}
                axisLine={false}
                tick={{ fontSize: 12, fill: "#52525b" }}
                // As wide as the longest tick ("120,000"), so no figure is cut off.
                width="auto"
                label={{
                  value: unit.other,
                  angle: -90,
                  position: "left",
                  offset: 0,
                  style: { fontSize: 12, fill: "#52525b", textAnchor: "middle" },
                }}
              />
              <Tooltip content={dayTooltip(unit, dates)} cursor={{ fill: "#eef2ff" }} />
              <Bar dataKey="value" fill="#4f46e5" radius={[3, 3, 0, 0]} isAnimationActive={false} />
            </RechartsBarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <div className="flex items-center justify-center rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600">
          {empty}
        </div>
      )}
      <figcaption className="sr-only">{label}</figcaption>
      {hasData && (
        <div className="sr-only">
          <table>
            <caption>{label}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">{unit.other.charAt(0).toUpperCase() + unit.other.slice(1)}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((point) => (
                <tr key={point.day}>
                  <th scope="row">{dates.day(point.day)}</th>
                  <td>{formatNumber(point.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
