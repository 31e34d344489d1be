"use client";

import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import { Alert, Button, ConfirmDialog, Field, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

/** Promotes a user to administrator or demotes one, with a reason for the audit log. */
export function RoleButton({ userId, role }: { userId: string; role: "USER" | "ADMIN" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const target = role === "ADMIN" ? "USER" : "ADMIN";
  const setRole = useMutation(
    trpc.admin.users.setRole.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.success(target === "ADMIN" ? "Now an administrator." : "No longer an administrator.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
      onError: (error) => setProblem(describeError(error).message),
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (!reason) return setProblem("Give a reason for the audit log.");
    setRole.mutate({ userId, role: target, reason });
  }
  const label = target === "ADMIN" ? "Make administrator" : "Remove administrator";
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ConfirmDialog open={open} title={`${label}?`} onClose={() => setOpen(false)} actions={null}>
        <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
          {problem && <Alert>{problem}</Alert>}
          <Field label="Why" name="reason" required maxLength={500} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant={target === "USER" ? "danger" : "primary"}
              busy={setRole.isPending}
            >
              {label}
            </Button>
          </div>
        </form>
      </ConfirmDialog>
    </>
  );
}
