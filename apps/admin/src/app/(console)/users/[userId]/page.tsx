import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { UserDetail } from "./user-detail.tsx";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  await getQueryClient()
    .prefetchQuery(trpc.admin.users.get.queryOptions({ userId }))
    .catch(() => undefined);
  return (
    <HydrateClient>
      <UserDetail userId={userId} />
    </HydrateClient>
  );
}
