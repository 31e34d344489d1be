import { getSessionUser } from "@credits/auth/next";
import { AuthCard } from "@credits/auth/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "./sign-up-form.tsx";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/");
  return (
    <AuthCard title="Create your account">
      <SignUpForm />
    </AuthCard>
  );
}
