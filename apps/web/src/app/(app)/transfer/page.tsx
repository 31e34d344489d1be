import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import { TransferForm } from "./transfer-form.tsx";

export const metadata: Metadata = { title: "Transfer" };

export default async function TransferPage() {
  await getQueryClient().prefetchQuery(trpc.credits.balance.queryOptions());
  return (
    <HydrateClient>
      <TransferForm />
    </HydrateClient>
  );
}
