import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { Dashboard } from "./dashboard.tsx";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  // Awaited on the server so the first paint already shows the balance.
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.credits.balance.queryOptions()),
    queryClient.prefetchQuery(trpc.credits.grants.queryOptions()),
    queryClient.prefetchQuery(trpc.credits.history.queryOptions({ limit: 8 })),
    queryClient.prefetchQuery(trpc.credits.spendingByDay.queryOptions({ days: 30 })),
  ]);
  return (
    <HydrateClient>
      <Dashboard />
    </HydrateClient>
  );
}
