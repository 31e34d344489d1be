import { getSessionUser } from "@credits/auth/next";
import { AccountSettings } from "@credits/credits/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Account" };

/** The signed-in user's password and sessions. */
export default async function AccountPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return <AccountSettings email={user.email} />;
}
