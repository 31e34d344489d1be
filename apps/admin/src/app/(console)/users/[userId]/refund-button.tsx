"use client";

import { describeError, useIdempotencyKey, useTRPC } from "@credits/credits/react";
import {
  Button,
  ChangeSummary,
  ConfirmWithReasonDialog,
  Field,
  formatCredits,
  useToast,
} from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

/** The amount typed in the refund form; undefined (refund everything) when it is left empty. */
function amountOf(form: FormData): number | undefined {
  const text = String(form.get("amount") ?? "").trim();
  return text ? Number(text) : undefined;
}

/**
 * Refunds a purchase, fully or in part, with a reason. A refund gives the credits back, so the
 * confirmation shows the balance of the purchase's app rising by the amount typed.
 */
export function RefundButton({
  purchase,
  customer,
  balance,
}: {
  purchase: { id: string; itemName: string; credits: number; refundedCredits: number };
  customer: string;
  /** The customer's balance in the purchase's app. */
  balance: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
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
  // What the summary shows while the amount is typed: all of it when empty, as the refund does.
  const typedAmount = Number(typed);
  const refundCredits =
    typed.trim() && Number.isInteger(typedAmount) && typedAmount > 0
      ? Math.min(typedAmount, refundable)
      : refundable;
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          refund.reset();
          setTyped("");
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
        <ChangeSummary
          who={customer}
          what={`Refund ${formatCredits(refundCredits)} of “${purchase.itemName}”`}
          before={balance}
          after={balance + refundCredits}
        />
        <p>Up to {formatCredits(refundable)} can be refunded.</p>
        <Field
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
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
