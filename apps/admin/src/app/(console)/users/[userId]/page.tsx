import { plans } from "@credits/credits";
import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { UserDetail } from "./user-detail.tsx";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  await getQueryClient()
    .prefetchQuery(trpc.admin.users.get.queryOptions({ userId }))
    .catch(() => undefined);
  // The plan catalog comes from here: the package's entry point is server code, not for the browser.
  return (
    <HydrateClient>
      <UserDetail userId={userId} plans={plans} />
    </HydrateClient>
  );
}
