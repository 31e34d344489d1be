import { getSessionUser } from "@credits/auth/next";
import { AccountSettings } from "@credits/credits/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LowBalanceAlerts } from "./low-balance-alerts.tsx";

export const metadata: Metadata = { title: "Account" };

/** The signed-in user's password, sessions and low-balance alerts. */
export default async function AccountPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <div className="flex flex-col gap-6">
      <AccountSettings email={user.email} />
      <LowBalanceAlerts />
    </div>
  );
}
