"use client";

import { describeError, fieldErrorMessage, useTRPC } from "@credits/credits/react";
import { Alert, Button, Field, Skeleton } from "@credits/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { useSignInAfter } from "../../lib/use-sign-in-after.ts";

/** The link's code, from the fragment: browsers never send it, so no server log holds it. */
function useLinkCode(): string | null | undefined {
  const [code, setCode] = useState<string | null | undefined>(undefined);
  useEffect(() => setCode(window.location.hash.slice(1) || null), []);
  return code;
}

export function ClaimForm() {
  const trpc = useTRPC();
  const code = useLinkCode();
  const link = useQuery({
    ...trpc.auth.signInLink.queryOptions({ token: code ?? "" }),
    enabled: Boolean(code),
    retry: false,
  });
  const redeem = useMutation(trpc.auth.redeemSignInLink.mutationOptions());
  const { signInError, signInAndOpenDashboard, clearSignInError } = useSignInAfter(
    "Your password is set, but signing in failed. Please sign in.",
  );

  if (code === undefined || (code && link.isPending)) {
    return <Skeleton className="h-48" />;
  }
  if (!code || link.isError) {
    return (
      <div className="flex flex-col gap-4">
        <Alert>
          {link.error
            ? describeError(link.error).message
            : "This page needs the whole sign-in link you were given. Open it again, or ask for a new one."}
        </Alert>
        <Link href="/sign-in" className="text-center text-sm font-semibold text-brand-600">
          Go to sign-in
        </Link>
      </div>
    );
  }
  const knownEmail = link.data?.email ?? null;
  const fieldErrors = redeem.error ? describeError(redeem.error).data.fieldErrors : null;
  const fieldMessage = (field: string, label: string) =>
    fieldErrorMessage(redeem.error, field, label);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!code) return;
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const typedEmail = String(form.get("email") ?? "");
    clearSignInError();
    await redeem
      .mutateAsync({
        token: code,
        password,
        ...(knownEmail ? {} : { email: typedEmail }),
        ...(link.data?.name ? {} : { name: String(form.get("name") ?? "") || undefined }),
      })
      .then(
        ({ email }) => signInAndOpenDashboard({ email, password }),
        () => undefined,
      );
  }

  const generalError =
    redeem.error && !fieldErrors ? describeError(redeem.error).message : signInError;
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <p className="text-sm text-zinc-600">
        Choose a password to see and use your credits here. This link works once.
      </p>
      {generalError && <Alert>{generalError}</Alert>}
      {knownEmail ? (
        <Field label="Email" name="email" type="email" value={knownEmail} readOnly />
      ) : (
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          hint="You will sign in with it."
          error={fieldMessage("email", "Email")}
        />
      )}
      {!link.data?.name && (
        <Field label="Name" name="name" autoComplete="name" error={fieldMessage("name", "Name")} />
      )}
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={fieldMessage("password", "Password")}
      />
      <Button type="submit" busy={redeem.isPending}>
        Set password and sign in
      </Button>
    </form>
  );
}
