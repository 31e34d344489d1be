"use client";

import { signIn, signOut } from "next-auth/react";

/**
 * Signs this browser in with email and password, never throwing: next-auth's signIn rejects when
 * the server answers without a redirect (a host it does not trust, a server that cannot be reached).
 */
export async function signInWithPassword(credentials: {
  email: string;
  password: string;
}): Promise<{ ok: true } | { ok: false; error: string | null }> {
  try {
    const result = await signIn("credentials", { ...credentials, redirect: false });
    return result?.ok && !result.error ? { ok: true } : { ok: false, error: result?.error ?? null };
  } catch {
    return { ok: false, error: null };
  }
}

/**
 * Ends this browser's session on the server and drops its cookie. Without a redirect from
 * next-auth, which would need NEXTAUTH_URL to know this app's address. Answers whether it worked:
 * a sign-out the server could not record keeps the cookie (the session still works).
 */
export async function signOutHere(): Promise<boolean> {
  try {
    const result = (await signOut({ redirect: false })) as { url?: string } | undefined;
    return typeof result?.url === "string";
  } catch {
    return false;
  }
}
