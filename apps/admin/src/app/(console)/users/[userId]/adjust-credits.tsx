"use client";

import { describeError, useIdempotencyKey, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  Card,
  CardTitle,
  ChangeSummary,
  ConfirmDialog,
  CreditAmountField,
  creditAmountProblem,
  Field,
  formatCredits,
  formatDate,
  RadioGroup,
  Select,
  useToast,
} from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";

interface Draft {
  direction: "grant" | "debit";
  appId: string;
  amount: number;
  reason: string;
  expiresAt?: Date;
}

/** Grant or debit credits, behind a confirmation showing the balance before and after. */
export function AdjustCredits({
  userId,
  email,
  apps,
}: {
  userId: string;
  /** Who the change is for, as the confirmation names them. */
  email: string;
  apps: { appId: string; appName: string; balance: number }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [idempotencyKey, renewKey] = useIdempotencyKey();
  const [direction, setDirection] = useState<Draft["direction"]>("grant");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const adjust = useMutation(
    trpc.admin.credits.adjust.mutationOptions({
      onSuccess: async (result) => {
        renewKey();
        setDraft(null);
        formRef.current?.reset();
        setDirection("grant");
        toast.success(`Done. The balance is now ${formatCredits(result.balance)}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
      onError: (error) => {
        setDraft(null);
        setProblem(describeError(error).message);
      },
    }),
  );
  const balanceOf = (appId: string) => apps.find((app) => app.appId === appId)?.balance ?? 0;
  const appName = (appId: string) => apps.find((app) => app.appId === appId)?.appName ?? appId;

  function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amount = Number(form.get("amount"));
    const reason = String(form.get("reason") ?? "").trim();
    const expires = String(form.get("expiresAt") ?? "");
    setProblem(null);
    const amountProblem = creditAmountProblem(amount);
    if (amountProblem) return setProblem(amountProblem);
    if (!reason)
      return setProblem("Give a reason: it goes into the audit log and the user's history.");
    setDraft({
      direction,
      appId: String(form.get("appId") ?? "default"),
      amount,
      reason,
      expiresAt: direction === "grant" && expires ? new Date(`${expires}T23:59:59`) : undefined,
    });
  }

  const before = draft ? balanceOf(draft.appId) : 0;
  const after = draft ? before + (draft.direction === "grant" ? draft.amount : -draft.amount) : 0;
  return (
    <Card>
      <CardTitle>Adjust credits</CardTitle>
      <form ref={formRef} onSubmit={review} className="flex flex-col gap-4" noValidate>
        {problem && <Alert>{problem}</Alert>}
        <RadioGroup
          legend="Direction"
          name="direction"
          className="flex gap-4 text-sm"
          options={[
            { value: "grant", label: "Grant" },
            { value: "debit", label: "Debit" },
          ]}
          value={direction}
          onChange={setDirection}
        />
        <Select label="App" name="appId" defaultValue="default">
          {(apps.length ? apps : [{ appId: "default", appName: "Default", balance: 0 }]).map(
            (app) => (
              <option key={app.appId} value={app.appId}>
                {app.appName}
              </option>
            ),
          )}
        </Select>
        <CreditAmountField label="Amount" />
        {direction === "grant" && (
          <Field label="Expires on (optional)" name="expiresAt" type="date" />
        )}
        <Field
          label="Reason"
          name="reason"
          required
          maxLength={500}
          hint="Shown in the audit log and the user's history."
        />
        <Button type="submit">Review</Button>
      </form>
      <ConfirmDialog
        open={draft !== null}
        title={draft?.direction === "debit" ? "Debit these credits?" : "Grant these credits?"}
        onClose={() => setDraft(null)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setDraft(null)} disabled={adjust.isPending}>
              Cancel
            </Button>
            <Button
              variant={draft?.direction === "debit" ? "danger" : "primary"}
              busy={adjust.isPending}
              onClick={() => draft && adjust.mutate({ ...draft, userId, idempotencyKey })}
            >
              Confirm
            </Button>
          </>
        }
      >
        {draft && (
          <ChangeSummary
            who={`${email} · ${appName(draft.appId)}`}
            what={`${draft.direction === "grant" ? "Grant" : "Debit"} ${formatCredits(draft.amount)}`}
            why={draft.reason}
            before={before}
            after={after}
          >
            {draft.expiresAt && (
              <>
                <dt className="text-zinc-600">Expires</dt>
                <dd className="text-right">{formatDate(draft.expiresAt)}</dd>
              </>
            )}
          </ChangeSummary>
        )}
      </ConfirmDialog>
    </Card>
  );
}
