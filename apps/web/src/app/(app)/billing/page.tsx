import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { Billing } from "./billing.tsx";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{ checkout?: string; purchase?: string; card?: string }>;
}) {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.subscriptions.get.queryOptions()),
    queryClient.prefetchQuery(trpc.subscriptions.plans.queryOptions()),
    queryClient.prefetchQuery(trpc.billing.creditPacks.queryOptions()),
  ]);
  const { checkout, purchase, card } = await searchParams;
  return (
    <HydrateClient>
      <Billing returnedFrom={{ checkout, purchase, card }} />
    </HydrateClient>
  );
}
