"use client";

import type { Plan, Tier } from "@credits/credits";
import {
  Alert,
  Button,
  Card,
  CreditAmountField,
  creditAmountProblem,
  Field,
  RadioGroup,
  Select,
} from "@credits/ui";
import { type FormEvent, useState } from "react";
import { BatchProgress } from "./batch-progress.tsx";
import { TierGrantDialog } from "./tier-grant-dialog.tsx";
import { type Grant, type PaidTier, useBulkGrantRun } from "./use-bulk-grant-run.ts";

function parseEmails(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/**
 * Grants the same credits to a list of users, or to everyone on a paid tier, in chunks, showing
 * progress; an interrupted run resumes where it stopped (see useBulkGrantRun).
 */
export function BulkGrant({ plans }: { plans: Record<Tier, Plan> }) {
  const grantRun = useBulkGrantRun();
  const [formProblem, setFormProblem] = useState<string | null>(null);
  const [mode, setMode] = useState<"list" | "tier">("list");
  const [tier, setTier] = useState<PaidTier>("PRO");
  const [tierDraft, setTierDraft] = useState<Grant | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const emails = parseEmails(String(form.get("emails") ?? ""));
    const amount = Number(form.get("amount"));
    const reason = String(form.get("reason") ?? "").trim();
    const expires = String(form.get("expiresAt") ?? "");
    if (mode === "list" && emails.length === 0)
      return setFormProblem("List at least one email address.");
    const amountProblem = creditAmountProblem(amount);
    if (amountProblem) return setFormProblem(amountProblem);
    if (!reason)
      return setFormProblem("Give a reason: it goes into every user's history and the audit log.");
    setFormProblem(null);
    const grant = {
      amount,
      reason,
      expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
    };
    // The recipients of a tier are not on the screen, so how many there are is confirmed first.
    if (mode === "tier") return setTierDraft(grant);
    grantRun.begin({ emails }, grant);
  }

  function confirmTier() {
    if (!tierDraft) return;
    setTierDraft(null);
    // The form is inert behind the modal dialog, so `tier` is still the one being confirmed.
    grantRun.begin({ tier }, tierDraft);
  }

  const problem = formProblem ?? grantRun.problem;
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <h1 className="text-2xl font-bold">Bulk grant</h1>
      {problem && <Alert>{problem}</Alert>}
      {grantRun.batch && (
        <BatchProgress
          batch={grantRun.batch}
          running={grantRun.running}
          plans={plans}
          onResume={grantRun.resume}
          onDiscard={grantRun.discard}
        />
      )}
      {!grantRun.batch && (
        <Card>
          <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
            <RadioGroup
              legend="Recipients"
              name="mode"
              className="flex flex-wrap gap-x-4 gap-y-2 text-sm"
              options={[
                { value: "list", label: "A list of emails" },
                { value: "tier", label: "Everyone on a tier" },
              ]}
              value={mode}
              onChange={setMode}
            />
            {mode === "list" ? (
              <label className="flex flex-col gap-1 text-sm font-medium">
                Emails (one per line, or separated by commas)
                <textarea
                  name="emails"
                  rows={6}
                  className="rounded-lg border border-zinc-300 px-3 py-2 text-sm"
                  required
                />
              </label>
            ) : (
              <Select
                label="Tier"
                value={tier}
                onChange={(event) => setTier(event.target.value as PaidTier)}
              >
                {(["PRO", "PREMIUM"] as const).map((value) => (
                  <option key={value} value={value}>
                    {plans[value].name}
                  </option>
                ))}
              </Select>
            )}
            <CreditAmountField label="Credits per user" />
            <Field label="Expires on (optional)" name="expiresAt" type="date" />
            <Field label="Reason" name="reason" required maxLength={500} />
            <Button type="submit">
              {mode === "list"
                ? "Grant to everyone listed"
                : `Grant to everyone on ${plans[tier].name}`}
            </Button>
          </form>
        </Card>
      )}
      <TierGrantDialog
        draft={tierDraft}
        tier={tier}
        plans={plans}
        onCancel={() => setTierDraft(null)}
        onConfirm={confirmTier}
      />
    </div>
  );
}
