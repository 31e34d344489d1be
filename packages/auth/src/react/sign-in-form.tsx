"use client";

import { Alert, Button, Field } from "@credits/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { signInWithPassword } from "./session-actions.ts";

const messages: Record<string, string> = {
  CredentialsSignin: "Wrong email or password. Check both and try again.",
  TooManyAttempts: "Too many failed sign-ins. Wait 15 minutes, then try again.",
  OAuthSignin: "Signing in with that provider failed. Try again or use your email.",
  AccessDenied: "That account cannot sign in here.",
  UnverifiedEmail:
    "That provider has not verified your email address. Verify it there, or sign in with your email and password.",
  UntrustedHost:
    "This server is not set up to sign in at this address. Its operator can add the address to AUTH_TRUSTED_HOSTS.",
};

/** Email and password sign-in, shared by both apps; `signUpHref` offers account creation. */
export function SignInForm({
  initialError,
  signUpHref,
}: {
  initialError: string | null;
  signUpHref?: "/sign-up";
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(
    initialError ? (messages[initialError] ?? "Signing in failed. Please try again.") : null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signInWithPassword({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(false);
    if (result.ok) {
      router.replace("/");
      router.refresh();
    } else {
      setError(messages[result.error ?? ""] ?? "Signing in failed. Please try again.");
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
      />
      <Button type="submit" busy={busy}>
        Sign in
      </Button>
      {signUpHref && (
        <p className="text-center text-sm text-zinc-600">
          New here?{" "}
          <Link href={signUpHref} className="font-semibold text-brand-600 hover:underline">
            Create an account
          </Link>
        </p>
      )}
    </form>
  );
}
