"use client";

import { signInWithPassword, signOutHere } from "@credits/auth/react";
import { Alert, Button, Card, CardTitle, Field, useToast } from "@credits/ui";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { describeError, fieldErrorMessage } from "./client.ts";
import { useTRPC } from "./provider.tsx";

/** To the sign-in page with a full load, so nothing of the ended session stays in the page. */
function leaveToSignIn() {
  window.location.assign("/sign-in");
}

/**
 * A new password for the signed-in user. The change ends every session of theirs, this one too, so
 * the form signs this browser in again with the new password: only the other sessions end.
 */
export function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const changePassword = useMutation(trpc.auth.changePassword.mutationOptions());
  const described = changePassword.error ? describeError(changePassword.error) : null;
  const fieldErrors = described?.data.fieldErrors;
  const fieldMessage = (field: string, label: string) =>
    fieldErrorMessage(changePassword.error, field, label);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const input = {
      currentPassword: String(data.get("currentPassword") ?? ""),
      newPassword: String(data.get("newPassword") ?? ""),
    };
    const changed = await changePassword.mutateAsync(input).then(
      () => true,
      () => false,
    );
    if (!changed) return;
    const signedIn = await signInWithPassword({ email, password: input.newPassword });
    if (!signedIn.ok) return leaveToSignIn();
    form.reset();
    toast.success("Password changed. Your other sessions are signed out.");
  }

  return (
    <Card>
      <CardTitle>Password</CardTitle>
      <form onSubmit={submit} className="flex max-w-sm flex-col gap-4" noValidate>
        {described && !fieldErrors && <Alert>{described.message}</Alert>}
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={fieldMessage("currentPassword", "Current password")}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 10 characters. Every other session of yours is signed out."
          error={fieldMessage("newPassword", "New password")}
        />
        <Button type="submit" busy={changePassword.isPending} className="self-start">
          Change password
        </Button>
      </form>
    </Card>
  );
}

/** Ends every session of the signed-in user, on every device and in both apps, this one included. */
export function SignOutEverywhereCard() {
  const trpc = useTRPC();
  const signOutEverywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onSuccess: async () => {
        // The server has ended this session too; this drops its cookie.
        await signOutHere();
        leaveToSignIn();
      },
    }),
  );
  return (
    <Card>
      <CardTitle>Sessions</CardTitle>
      <p className="mb-4 text-sm text-zinc-600">
        Lost a device, or signed in on a computer that is not yours? Signing out everywhere ends
        every session of yours, in every browser and app, this one included.
      </p>
      {signOutEverywhere.error && (
        <div className="mb-4">
          <Alert>{describeError(signOutEverywhere.error).message}</Alert>
        </div>
      )}
      <Button
        variant="danger"
        busy={signOutEverywhere.isPending || signOutEverywhere.isSuccess}
        onClick={() => signOutEverywhere.mutate()}
      >
        Sign out everywhere
      </Button>
    </Card>
  );
}

/** The account page of both apps: who is signed in, their password and their sessions. */
export function AccountSettings({ email }: { email: string }) {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Account</h1>
        <p className="text-sm text-zinc-600">Signed in as {email}</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <ChangePasswordForm email={email} />
        <SignOutEverywhereCard />
      </div>
    </div>
  );
}
