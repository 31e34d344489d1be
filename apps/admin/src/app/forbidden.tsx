import { getSessionUser } from "@credits/auth/next";
import { Card } from "@credits/ui";
import Link from "next/link";

/** What a signed-in non-administrator gets for any console page, with the status 403. */
export default async function Forbidden() {
  const user = await getSessionUser();
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <Card className="max-w-md text-center">
        <p className="text-sm font-semibold text-red-700">403 · Forbidden</p>
        <h1 className="mt-2 text-xl font-semibold">Administrators only</h1>
        <p className="mt-2 text-sm text-zinc-600">
          You are signed in as {user?.email ?? "a user"}, which is not an administrator account. Ask
          an administrator to grant you access, or{" "}
          <Link href="/sign-in" className="font-semibold text-brand-600 hover:underline">
            sign in
          </Link>{" "}
          with another account.
        </p>
      </Card>
    </main>
  );
}
