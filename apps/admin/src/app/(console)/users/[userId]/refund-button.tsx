"use client";

import { useTRPC } from "@credits/credits/react";
import { describeError, useIdempotencyKey } from "@credits/credits/react/client";
import { Alert, Button, ConfirmDialog, Field, formatCredits, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

/** Refunds a purchase, fully or in part, with a reason. */
export function RefundButton({
  purchase,
}: {
  purchase: { id: string; itemName: string; credits: number; refundedCredits: number };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [idempotencyKey, renewKey] = useIdempotencyKey();
  const refundable = purchase.credits - purchase.refundedCredits;
  const refund = useMutation(
    trpc.admin.purchases.refund.mutationOptions({
      onSuccess: async (result) => {
        renewKey();
        setOpen(false);
        toast.success(`Refunded ${formatCredits(result.refunded)} of “${purchase.itemName}”.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
      onError: (error) => setProblem(describeError(error).message),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amountText = String(form.get("amount") ?? "").trim();
    const amount = amountText ? Number(amountText) : undefined;
    const reason = String(form.get("reason") ?? "").trim();
    if (amount !== undefined && (!Number.isInteger(amount) || amount <= 0 || amount > refundable)) {
      return setProblem(
        `Enter a whole number from 1 to ${refundable}, or leave it empty for everything.`,
      );
    }
    if (!reason) return setProblem("Give a reason for the refund.");
    setProblem(null);
    refund.mutate({ purchaseId: purchase.id, amount, reason, idempotencyKey });
  }

  if (refundable === 0) return null;
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => setOpen(true)}
        aria-label={`Refund ${purchase.itemName}`}
      >
        Refund
      </Button>
      <ConfirmDialog
        open={open}
        title={`Refund “${purchase.itemName}”`}
        onClose={() => setOpen(false)}
        actions={null}
      >
        <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
          {problem && <Alert>{problem}</Alert>}
          <p>Up to {formatCredits(refundable)} can be refunded.</p>
          <Field
            label="Amount (empty: all of it)"
            name="amount"
            type="number"
            min={1}
            max={refundable}
            step={1}
          />
          <Field label="Refund reason" name="reason" required maxLength={500} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" busy={refund.isPending}>
              Refund
            </Button>
          </div>
        </form>
      </ConfirmDialog>
    </>
  );
}
