"use client";

import type { AutoTopupView, RouterOutputs } from "@credits/credits";
import { describeError, fieldErrorMessage, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  Card,
  Field,
  formatCredits,
  formatDateTime,
  formatDollars,
  Select,
  Skeleton,
  useToast,
} from "@credits/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useRedirect } from "./use-redirect.ts";

type Packs = RouterOutputs["billing"]["creditPacks"];

const attemptLabels: Record<NonNullable<AutoTopupView["lastAttempt"]>["status"], string> = {
  pending: "waiting for the payment to be confirmed",
  succeeded: "paid",
  failed: "failed",
};

/** The saved card auto top-up charges, and the Checkout (setup mode) that saves or replaces it. */
function SavedCard({ card }: { card: AutoTopupView["card"] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const redirect = useRedirect();
  const saveCard = useMutation(
    trpc.billing.saveCardSession.mutationOptions({
      onSuccess: redirect,
      onError: (error) => toast.error(describeError(error).message),
    }),
  );
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm" data-testid="saved-card">
        {card
          ? `Card: ${card.brand.charAt(0).toUpperCase()}${card.brand.slice(1)} •••• ${card.last4}`
          : "No card saved yet: auto top-up needs one to charge."}
      </p>
      <Button variant="secondary" onClick={() => saveCard.mutate()} busy={saveCard.isPending}>
        {card ? "Replace card" : "Save a card"}
      </Button>
    </div>
  );
}

/** The form: on or off, the threshold, the pack and the monthly cap. */
function AutoTopupForm({ view, packs }: { view: AutoTopupView; packs: Packs }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [enabled, setEnabled] = useState(view.enabled);
  const [below, setBelow] = useState(String(view.belowCredits ?? 100));
  const [packId, setPackId] = useState(view.packId ?? packs[0]?.id ?? "");
  const [cap, setCap] = useState(String(view.monthlyCapCredits ?? 5_000));
  const save = useMutation(
    trpc.billing.setAutoTopup.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.billing.autoTopup.queryKey(), saved);
        setEnabled(saved.enabled);
        toast.success(saved.enabled ? "Auto top-up is on." : "Auto top-up settings saved.");
      },
      onError: (error) => {
        if (!describeError(error).data.fieldErrors) toast.error(describeError(error).message);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      enabled,
      belowCredits: Number(below),
      packId,
      monthlyCapCredits: Number(cap),
    });
  };
  const pack = packs.find((item) => item.id === packId);
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label="Auto top-up settings">
      <label className="flex items-center gap-3 text-sm font-medium">
        <input
          type="checkbox"
          role="switch"
          aria-checked={enabled}
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          className="size-5 accent-brand-600"
        />
        Turn on auto top-up
      </label>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="When available credits fall below"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          value={below}
          onChange={(event) => setBelow(event.target.value)}
          error={fieldErrorMessage(save.error, "belowCredits", "The threshold")}
        />
        <Select label="Buy" value={packId} onChange={(event) => setPackId(event.target.value)}>
          {packs.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name} for {formatDollars(item.priceCents)}
            </option>
          ))}
        </Select>
        <Field
          label="At most, per month (credits)"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          value={cap}
          onChange={(event) => setCap(event.target.value)}
          hint={`Bought by auto top-up this month: ${formatCredits(view.boughtThisMonth)}.`}
          error={fieldErrorMessage(save.error, "monthlyCapCredits", "The monthly cap")}
        />
      </div>
      <p className="text-sm text-zinc-600">
        {pack
          ? `Each top-up charges your card ${formatDollars(pack.priceCents)} for ${formatCredits(pack.credits)}: one charge at a time, never past the monthly cap.`
          : null}
      </p>
      <div>
        <Button type="submit" busy={save.isPending}>
          Save auto top-up
        </Button>
      </div>
    </form>
  );
}

/** The billing page's auto top-up card: the saved card, the settings and what happened last. */
export function AutoTopup({ paymentsConfigured }: { paymentsConfigured: boolean }) {
  const trpc = useTRPC();
  const view = useQuery(trpc.billing.autoTopup.queryOptions());
  const packs = useQuery(trpc.billing.creditPacks.queryOptions());
  if (!paymentsConfigured) return null;
  const last = view.data?.lastAttempt;
  return (
    <section aria-labelledby="auto-topup-heading">
      <h2 id="auto-topup-heading" className="mb-3 text-lg font-semibold">
        Auto top-up
      </h2>
      {view.isError ? (
        <Alert>{describeError(view.error).message}</Alert>
      ) : !view.data || !packs.data ? (
        <Skeleton className="h-40" />
      ) : (
        <Card className="flex flex-col gap-4">
          {view.data.disabledReason && <Alert>{view.data.disabledReason}</Alert>}
          <SavedCard card={view.data.card} />
          <AutoTopupForm view={view.data} packs={packs.data} />
          {last && (
            <p className="text-sm text-zinc-600" data-testid="last-top-up">
              Last top-up: {formatCredits(last.credits)} on {formatDateTime(last.createdAt)},{" "}
              {attemptLabels[last.status]}.
            </p>
          )}
        </Card>
      )}
    </section>
  );
}
