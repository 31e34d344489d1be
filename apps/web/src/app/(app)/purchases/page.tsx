import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { Purchases } from "./purchases.tsx";

export const metadata: Metadata = { title: "Purchases" };

export default async function PurchasesPage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.credits.balance.queryOptions()),
    // The list's first page, with the input the page asks for first (newest first, 25).
    queryClient.prefetchInfiniteQuery(
      trpc.purchases.list.infiniteQueryOptions(
        { order: "desc", limit: 25 },
        { getNextPageParam: (page) => page.nextCursor ?? undefined },
      ),
    ),
  ]);
  return (
    <HydrateClient>
      <Purchases />
    </HydrateClient>
  );
}
