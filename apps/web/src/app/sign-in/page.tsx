import { getSessionUser } from "@credits/auth/next";
import { SystemStatus } from "@credits/credits/react/system-status";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "~/components/auth-card.tsx";
import { SignInForm } from "./sign-in-form.tsx";

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
      <SignInForm initialError={error ?? null} />
    </AuthCard>
  );
}
