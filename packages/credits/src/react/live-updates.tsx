"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "./provider.tsx";

/**
 * Keeps the page's credit data fresh: whenever the user's credits change anywhere (another tab,
 * an admin, a webhook, another server), the credit and purchase queries are refetched.
 */
export function LiveCreditUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.credits.onChange.subscriptionOptions(undefined, {
      onData: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.credits.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.purchases.pathKey() });
      },
    }),
  );
  return null;
}
