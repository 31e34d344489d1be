import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { Purchases } from "./purchases.tsx";

export const metadata: Metadata = { title: "Purchases" };

export default async function PurchasesPage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.credits.balance.queryOptions()),
    queryClient.prefetchQuery(trpc.purchases.list.queryOptions({ limit: 50 })),
  ]);
  return (
    <HydrateClient>
      <Purchases />
    </HydrateClient>
  );
}
