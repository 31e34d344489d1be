"use client";

import { describeError, useIdempotencyKey, useTRPC } from "@credits/credits/react";
import { Button, ConfirmWithReasonDialog, Field, formatCredits, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

/** The amount typed in the refund form; undefined (refund everything) when it is left empty. */
function amountOf(form: FormData): number | undefined {
  const text = String(form.get("amount") ?? "").trim();
  return text ? Number(text) : undefined;
}

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
    }),
  );

  if (refundable === 0) return null;
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          refund.reset();
          setOpen(true);
        }}
        aria-label={`Refund ${purchase.itemName}`}
      >
        Refund
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title={`Refund “${purchase.itemName}”`}
        onClose={() => setOpen(false)}
        reasonLabel="Refund reason"
        missingReason="Give a reason for the refund."
        validate={(form) => {
          const amount = amountOf(form);
          return amount !== undefined &&
            (!Number.isInteger(amount) || amount <= 0 || amount > refundable)
            ? `Enter a whole number from 1 to ${refundable}, or leave it empty for everything.`
            : null;
        }}
        onConfirm={(reason, form) =>
          refund.mutate({ purchaseId: purchase.id, amount: amountOf(form), reason, idempotencyKey })
        }
        error={refund.error && describeError(refund.error).message}
        busy={refund.isPending}
        confirmLabel="Refund"
      >
        <p>Up to {formatCredits(refundable)} can be refunded.</p>
        <Field
          label="Amount (empty: all of it)"
          name="amount"
          type="number"
          min={1}
          max={refundable}
          step={1}
        />
      </ConfirmWithReasonDialog>
    </>
  );
}
