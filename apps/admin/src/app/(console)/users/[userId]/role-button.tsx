"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Button, ConfirmWithReasonDialog, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

/** Promotes a user to administrator or demotes one, with a reason for the audit log. */
export function RoleButton({ userId, role }: { userId: string; role: "USER" | "ADMIN" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const target = role === "ADMIN" ? "USER" : "ADMIN";
  const setRole = useMutation(
    trpc.admin.users.setRole.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.success(target === "ADMIN" ? "Now an administrator." : "No longer an administrator.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  const label = target === "ADMIN" ? "Make administrator" : "Remove administrator";
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setRole.reset();
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title={`${label}?`}
        onClose={() => setOpen(false)}
        reasonLabel="Why"
        onConfirm={(reason) => setRole.mutate({ userId, role: target, reason })}
        error={setRole.error && describeError(setRole.error).message}
        busy={setRole.isPending}
        confirmLabel={label}
        confirmVariant={target === "USER" ? "danger" : "primary"}
      />
    </>
  );
}
