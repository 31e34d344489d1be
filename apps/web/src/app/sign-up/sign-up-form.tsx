"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Button, Field } from "@credits/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import type { FormEvent } from "react";
import { useSignInAfter } from "../../lib/use-sign-in-after.ts";

export function SignUpForm() {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const { signInError, signInAndOpenDashboard, clearSignInError } = useSignInAfter(
    "Your account is ready, but signing in failed. Please sign in.",
  );
  const fieldErrors = signUp.error ? describeError(signUp.error).data.fieldErrors : null;
  const fieldMessage = (field: string, label: string) => {
    const message = fieldErrors?.[field]?.[0];
    return message ? `${label} ${message}.` : null;
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    clearSignInError();
    await signUp.mutateAsync(input).then(
      () => signInAndOpenDashboard({ email: input.email, password: input.password }),
      () => undefined,
    );
  }

  const generalError =
    signUp.error && !fieldErrors ? describeError(signUp.error).message : signInError;
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      {generalError && <Alert>{generalError}</Alert>}
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        required
        error={fieldMessage("name", "Name")}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={fieldMessage("email", "Email")}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={fieldMessage("password", "Password")}
      />
      <Button type="submit" busy={signUp.isPending}>
        Create account
      </Button>
      <p className="text-center text-sm text-zinc-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-semibold text-brand-600 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
