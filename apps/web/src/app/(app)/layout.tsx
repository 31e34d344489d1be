import { getSessionUser } from "@credits/auth/next";
import { AppHeader } from "@credits/auth/react";
import { LiveCreditUpdates } from "@credits/credits/react";
import { ToastProvider, ViewerProvider } from "@credits/ui";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { LowBalanceBanner } from "./low-balance-banner.tsx";

export const dynamic = "force-dynamic";

/** Every page in here needs a signed-in user; anonymous visitors go to sign-in. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <ToastProvider>
      <LiveCreditUpdates />
      <AppHeader
        brand="Credits"
        email={user.email}
        links={[
          { href: "/", label: "Dashboard" },
          { href: "/history", label: "History" },
          { href: "/purchases", label: "Purchases" },
          { href: "/transfer", label: "Transfer" },
          { href: "/usage", label: "Usage" },
          { href: "/billing", label: "Billing" },
          { href: "/account", label: "Account" },
        ]}
      />
      <main className="mx-auto w-full max-w-5xl px-4 py-6 sm:py-8">
        <LowBalanceBanner />
        <ViewerProvider viewer={{ side: "customer", userId: user.id }}>{children}</ViewerProvider>
      </main>
    </ToastProvider>
  );
}
