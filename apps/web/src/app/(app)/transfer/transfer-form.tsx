"use client";

import { describeError, useIdempotencyKey, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  Card,
  ChangeSummary,
  ConfirmDialog,
  CreditAmountField,
  creditAmountProblem,
  Field,
  formatCredits,
  useToast,
} from "@credits/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";

interface Draft {
  email: string;
  amount: number;
  description: string;
}

export function TransferForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const [idempotencyKey, renewKey] = useIdempotencyKey();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [checking, setChecking] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [formError, setFormError] = useState<{
    field: "email" | "amount" | null;
    message: string;
  } | null>(null);
  const transfer = useMutation(
    trpc.credits.transfer.mutationOptions({
      onSuccess: async (result, input) => {
        renewKey();
        setDraft(null);
        // A second "Send" must be a new decision, not the same transfer again.
        formRef.current?.reset();
        toast.success(
          `Sent ${formatCredits(input.amount)}. You have ${formatCredits(result.available)} left.`,
        );
        await queryClient.refetchQueries({ queryKey: trpc.credits.balance.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.credits.pathKey() });
      },
      onError: (error) => {
        setDraft(null);
        const problem = describeError(error);
        if (problem.code === "NOT_FOUND")
          setFormError({ field: "email", message: "No user has this email address." });
        else if (problem.code === "PAYMENT_REQUIRED")
          setFormError({
            field: "amount",
            message: `Not enough credits: you have ${formatCredits(problem.data.available ?? 0)} available.`,
          });
        else if (problem.code === "BAD_REQUEST")
          setFormError({ field: null, message: problem.message });
        else setFormError({ field: null, message: problem.message });
      },
    }),
  );

  async function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const amount = Number(form.get("amount"));
    setFormError(null);
    if (!/^\S+@\S+\.\S+$/.test(email))
      return setFormError({ field: "email", message: "Enter the recipient's email address." });
    const amountProblem = creditAmountProblem(amount);
    if (amountProblem) return setFormError({ field: "amount", message: amountProblem });
    if (balance.data && amount > balance.data.available)
      return setFormError({
        field: "amount",
        message: `Not enough credits: you have ${formatCredits(balance.data.available)} available.`,
      });
    // Refused here, before "This cannot be undone" is asked: an unknown email or oneself.
    setChecking(true);
    try {
      const recipient = await queryClient.fetchQuery({
        ...trpc.credits.transferRecipient.queryOptions({ to: { email } }),
        retry: false,
        staleTime: 0,
      });
      if (!recipient.ok) return setFormError({ field: "email", message: recipient.message });
    } catch (error) {
      const problem = describeError(error);
      return setFormError({
        field: problem.code === "BAD_REQUEST" ? "email" : null,
        message: problem.message,
      });
    } finally {
      setChecking(false);
    }
    setDraft({
      email,
      amount,
      description: String(form.get("description") ?? "").trim() || "Transfer",
    });
  }

  const available = balance.data?.available ?? 0;
  return (
    <div className="mx-auto flex max-w-lg flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Send credits</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Available: {balance.data ? formatCredits(balance.data.available) : "…"}
        </p>
      </div>
      <Card>
        <form ref={formRef} onSubmit={review} className="flex flex-col gap-4" noValidate>
          {formError && !formError.field && <Alert>{formError.message}</Alert>}
          <Field
            label="Recipient's email"
            name="email"
            type="email"
            autoComplete="off"
            required
            error={formError?.field === "email" ? formError.message : null}
          />
          <CreditAmountField
            label="Amount"
            error={formError?.field === "amount" ? formError.message : null}
          />
          <Field label="Note (optional)" name="description" maxLength={500} />
          <Button type="submit" busy={checking}>
            Review transfer
          </Button>
        </form>
      </Card>
      <ConfirmDialog
        open={draft !== null}
        title="Send these credits?"
        onClose={() => setDraft(null)}
        actions={
          <>
            <Button
              variant="secondary"
              onClick={() => setDraft(null)}
              disabled={transfer.isPending}
            >
              Cancel
            </Button>
            <Button
              busy={transfer.isPending}
              onClick={() =>
                draft &&
                transfer.mutate({
                  to: { email: draft.email },
                  amount: draft.amount,
                  description: draft.description,
                  idempotencyKey,
                })
              }
            >
              Send {draft ? formatCredits(draft.amount) : ""}
            </Button>
          </>
        }
      >
        {draft && (
          <div className="flex flex-col gap-3">
            <ChangeSummary
              who={draft.email}
              what={`Send ${formatCredits(draft.amount)}`}
              why={draft.description}
              before={available}
              after={available - draft.amount}
            />
            <p>This cannot be undone.</p>
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}
