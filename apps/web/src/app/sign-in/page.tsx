import { getSessionUser, signInPageError } from "@credits/auth/next";
import { AuthCard, SignInForm } from "@credits/auth/react";
import { SystemStatus } from "@credits/credits/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string }>;
}) {
  if (await getSessionUser()) redirect("/");
  const { error } = await searchParams;
  return (
    <AuthCard title="Sign in to your credits" footer={<SystemStatus />}>
      <SignInForm initialError={await signInPageError(error)} signUpHref="/sign-up" />
    </AuthCard>
  );
}
