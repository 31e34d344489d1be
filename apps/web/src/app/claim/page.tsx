// /claim#<code> — a customer another backend created chooses a password with the sign-in link that
// backend or an operator gave them (see packages/auth/src/sign-in-links.ts).
import { getSessionUser } from "@credits/auth/next";
import { AuthCard } from "@credits/auth/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ClaimForm } from "./claim-form.tsx";

export const metadata: Metadata = { title: "Set up your sign-in" };
export const dynamic = "force-dynamic";

export default async function ClaimPage() {
  if (await getSessionUser()) redirect("/");
  return (
    <AuthCard title="Set up your sign-in">
      <ClaimForm />
    </AuthCard>
  );
}
