"use client";

import { Field, formatCredits, RadioGroup } from "@credits/ui";
import { useState } from "react";
import { LowBalanceThreshold, type ThresholdStatus } from "../schemas/thresholds.ts";

type Choice = "default" | "custom";

/** The default as the choice names it: 0 means the deployment sends no alert by default. */
const defaultLabel = (defaultThreshold: number) =>
  defaultThreshold === 0 ? "no alert" : formatCredits(defaultThreshold);

/**
 * The threshold a form holds (null: the default), or the sentence saying what is wrong with it:
 * the shared schema's own messages, so the form and the server refuse alike.
 */
export function thresholdOfForm(
  form: FormData,
): { threshold: number | null; problem: null } | { problem: string } {
  if (form.get("choice") !== "custom") return { threshold: null, problem: null };
  const raw = String(form.get("threshold") ?? "").trim();
  const parsed = LowBalanceThreshold.safeParse(raw === "" ? undefined : Number(raw));
  if (parsed.success) return { threshold: parsed.data, problem: null };
  return { problem: `The threshold ${parsed.error.issues[0]?.message ?? "is not valid"}.` };
}

/**
 * "Use default (N)" or a number of the person's own, for a form that reads them with
 * `thresholdOfForm`. The number field shows only with the own choice.
 */
export function ThresholdFields({
  status,
  legend,
  error,
}: {
  status: ThresholdStatus;
  legend: string;
  /** What is wrong with the number, shown under it. */
  error?: string | null;
}) {
  const [choice, setChoice] = useState<Choice>(status.custom === null ? "default" : "custom");
  return (
    <div className="flex flex-col gap-3">
      <RadioGroup
        legend={legend}
        name="choice"
        className="flex flex-col gap-2 text-sm"
        options={[
          { value: "default", label: `Use default (${defaultLabel(status.defaultThreshold)})` },
          { value: "custom", label: "My own number" },
        ]}
        value={choice}
        onChange={setChoice}
      />
      {choice === "custom" && (
        <Field
          label="Alert below (credits)"
          name="threshold"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          required
          defaultValue={status.custom ?? (status.defaultThreshold || "")}
          hint="0 turns the alert off."
          error={error}
        />
      )}
    </div>
  );
}

/** What applies, in words: "Alert below 25 credits (default)". */
export function describeThreshold(status: ThresholdStatus): string {
  const source = status.custom === null ? " (default)" : "";
  return status.threshold === 0
    ? `No alert${source}`
    : `Alert below ${formatCredits(status.threshold)}${source}`;
}

/**
 * The apps whose thresholds a page lists: the user's accounts, and the default app even before
 * the user has one there (its threshold applies from the first credit).
 */
export function appsWithDefault<App extends { appId: string; appName: string }>(
  apps: readonly App[],
): { appId: string; appName: string }[] {
  return apps.some((app) => app.appId === "default")
    ? [...apps]
    : [{ appId: "default", appName: "Default" }, ...apps];
}
