"use client";

import { signInWithPassword } from "@credits/auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Signs the browser in with a password it just chose (sign-up, a sign-in link) and opens the
 * dashboard; when that sign-in fails, `signInError` says so in the form's words (the account
 * itself is ready, so the person signs in by hand).
 */
export function useSignInAfter(failure: string) {
  const router = useRouter();
  const [signInError, setSignInError] = useState<string | null>(null);
  async function signInAndOpenDashboard(credentials: { email: string; password: string }) {
    setSignInError(null);
    const result = await signInWithPassword(credentials);
    if (result.ok) {
      router.replace("/");
      router.refresh();
    } else {
      setSignInError(failure);
    }
  }
  return { signInError, signInAndOpenDashboard, clearSignInError: () => setSignInError(null) };
}
