"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Button, ConfirmWithReasonDialog, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

/**
 * Ends every session of the user (a lost device, a suspected takeover), with a reason for the audit
 * log: each of their signed-in browsers is signed out at its next request, in both apps.
 */
export function EndSessionsButton({ userId, email }: { userId: string; email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const endSessions = useMutation(
    trpc.admin.users.endSessions.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.success(`Every session of ${email} is signed out.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.audit.pathKey() });
      },
    }),
  );
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          endSessions.reset();
          setOpen(true);
        }}
      >
        End sessions
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title={`Sign ${email} out everywhere?`}
        onClose={() => setOpen(false)}
        reasonLabel="Why"
        onConfirm={(reason) => endSessions.mutate({ userId, reason })}
        error={endSessions.error && describeError(endSessions.error).message}
        busy={endSessions.isPending}
        confirmLabel="End sessions"
        confirmVariant="danger"
      >
        <p className="text-sm text-zinc-600">
          Every browser and device signed in as {email}, in both apps, is signed out at its next
          request. They can sign in again with their password.
        </p>
      </ConfirmWithReasonDialog>
    </>
  );
}
