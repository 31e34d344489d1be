"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Button, Card, formatDollars, Skeleton, useToast } from "@credits/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRedirect } from "./use-redirect.ts";

/** The credit packs on sale, each bought through Stripe Checkout. */
export function CreditPacks({ paymentsConfigured }: { paymentsConfigured: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const redirect = useRedirect();
  const packs = useQuery(trpc.billing.creditPacks.queryOptions());
  const buy = useMutation(
    trpc.billing.buyCredits.mutationOptions({
      onSuccess: redirect,
      onError: (error) => toast.error(describeError(error).message),
    }),
  );
  return (
    <section aria-labelledby="packs-heading">
      <h2 id="packs-heading" className="mb-3 text-lg font-semibold">
        Buy credits
      </h2>
      {!packs.data ? (
        <Skeleton className="h-24" />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-3">
          {packs.data.map((pack) => (
            <li key={pack.id}>
              <Card className="flex h-full flex-col gap-3">
                <div className="flex-1">
                  <h3 className="font-semibold">{pack.name}</h3>
                  <p className="mt-1 text-sm text-zinc-600">
                    {formatDollars(pack.priceCents)} · never expire
                  </p>
                </div>
                {paymentsConfigured && (
                  <Button
                    variant="secondary"
                    onClick={() => buy.mutate({ packId: pack.id })}
                    busy={buy.isPending && buy.variables?.packId === pack.id}
                    aria-label={`Buy ${pack.name} for ${formatDollars(pack.priceCents)}`}
                  >
                    Buy for {formatDollars(pack.priceCents)}
                  </Button>
                )}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
