"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  ConfirmDialog,
  ConfirmWithReasonDialog,
  CopyField,
  formatDateTime,
} from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

/**
 * Makes a sign-in link for a customer another backend created, so the person behind it can choose
 * a password and use the web app; audited with a reason. The link is shown once (only its hash is
 * kept) and replaces the customer's earlier one.
 */
export function SignInLinkButton({ userId, name }: { userId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const createLink = useMutation(
    trpc.admin.users.createSignInLink.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.audit.pathKey() });
      },
    }),
  );
  const link = createLink.data;
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          createLink.reset();
          setOpen(true);
        }}
      >
        Create sign-in link
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title={`Create a sign-in link for ${name}?`}
        onClose={() => setOpen(false)}
        reasonLabel="Why"
        onConfirm={(reason) => createLink.mutate({ userId, reason })}
        error={createLink.error && describeError(createLink.error).message}
        busy={createLink.isPending}
        confirmLabel="Create link"
      >
        <p className="text-sm text-zinc-600">
          Whoever opens the link can choose this customer&apos;s password and use their credits on
          the web app. Give it only to the customer. It works once, for 7 days, and replaces any
          earlier link.
        </p>
      </ConfirmWithReasonDialog>
      {link && (
        <ConfirmDialog
          open
          title={`Sign-in link for ${name}`}
          onClose={() => createLink.reset()}
          actions={<Button onClick={() => createLink.reset()}>I have copied it</Button>}
        >
          <div className="flex flex-col gap-3">
            <Alert tone="warning">
              <strong>Copy it now: it is shown only this once.</strong> It works until{" "}
              {formatDateTime(link.expiresAt)} or until it is used.
            </Alert>
            <CopyField
              label={link.url ? "Link" : "Path on the web app"}
              value={link.url ?? link.path}
              testId="sign-in-link"
            />
            {!link.url && (
              <p className="text-sm text-zinc-600">
                Put the web app&apos;s address in front of it. Set APP_URL to show the whole link.
              </p>
            )}
          </div>
        </ConfirmDialog>
      )}
    </>
  );
}
