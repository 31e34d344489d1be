import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { Usage } from "./usage.tsx";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.subscriptions.quotas.queryOptions()),
    queryClient.prefetchQuery(trpc.subscriptions.get.queryOptions()),
    queryClient.prefetchQuery(trpc.usage.byDay.queryOptions({ days: 30 })),
  ]);
  return (
    <HydrateClient>
      <Usage />
    </HydrateClient>
  );
}
