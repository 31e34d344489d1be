import { getSessionUser } from "@credits/auth/next";
import { AppHeader } from "@credits/auth/react";
import { Card, ToastProvider } from "@credits/ui";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";

export const dynamic = "force-dynamic";

/**
 * Operators only: anonymous visitors go to sign-in, signed-in non-admins see a 403 page. Every
 * admin procedure checks the role again on the server.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  if (user.role !== "ADMIN") {
    return (
      <main className="flex min-h-screen items-center justify-center px-4">
        <Card className="max-w-md text-center">
          <p className="text-sm font-semibold text-red-700">403 · Forbidden</p>
          <h1 className="mt-2 text-xl font-semibold">Administrators only</h1>
          <p className="mt-2 text-sm text-zinc-600">
            You are signed in as {user.email}, which is not an administrator account. Ask an
            administrator to grant you access, or{" "}
            <Link href="/sign-in" className="font-semibold text-brand-600 hover:underline">
              sign in
            </Link>{" "}
            with another account.
          </p>
        </Card>
      </main>
    );
  }
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
          { href: "/audit", label: "Audit log" },
        ]}
      />
      <main className="mx-auto w-full max-w-5xl px-4 py-6 sm:py-8">{children}</main>
    </ToastProvider>
  );
}
