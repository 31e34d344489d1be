import { getSessionUser } from "@credits/auth/next";
import { AppHeader } from "@credits/auth/react";
import { ToastProvider, ViewerProvider } from "@credits/ui";
import { forbidden, redirect } from "next/navigation";
import type { ReactNode } from "react";

export const dynamic = "force-dynamic";

/**
 * Operators only: anonymous visitors go to sign-in, signed-in non-admins see a 403 page. Every
 * admin procedure checks the role again on the server.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  // A 403 page with a 403 status (src/app/forbidden.tsx), for every console page.
  if (user.role !== "ADMIN") forbidden();
  return (
    <ToastProvider>
      <AppHeader
        brand="Credits operations"
        email={user.email}
        links={[
          { href: "/overview", label: "Overview" },
          { href: "/users", label: "Users" },
          { href: "/bulk-grant", label: "Bulk grant" },
          { href: "/stripe-events", label: "Stripe events" },
          { href: "/tokens", label: "Service tokens" },
          { href: "/webhooks", label: "Webhooks" },
          { href: "/audit", label: "Audit log" },
          { href: "/account", label: "Account" },
        ]}
      />
      <main className="mx-auto w-full max-w-5xl px-4 py-6 sm:py-8">
        <ViewerProvider viewer={{ side: "operator", userId: user.id }}>{children}</ViewerProvider>
      </main>
    </ToastProvider>
  );
}
