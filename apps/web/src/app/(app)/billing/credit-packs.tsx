"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Button, Card, formatDollars, Skeleton, useToast } from "@credits/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useRedirect } from "./use-redirect.ts";

/**
 * The credit packs on sale, each bought through Stripe Checkout. Without a card saved for auto
 * top-up, the user may let the purchase keep its card for it (opt-in: charging a card while its
 * holder is away needs their consent).
 */
export function CreditPacks({ paymentsConfigured }: { paymentsConfigured: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const redirect = useRedirect();
  const packs = useQuery(trpc.billing.creditPacks.queryOptions());
  const autoTopup = useQuery({
    ...trpc.billing.autoTopup.queryOptions(),
    enabled: paymentsConfigured,
  });
  const [saveCard, setSaveCard] = useState(false);
  const offerSaving = paymentsConfigured && autoTopup.data !== undefined && !autoTopup.data.card;
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
      {offerSaving && (
        <label className="mb-3 flex items-start gap-3 text-sm">
          <input
            type="checkbox"
            checked={saveCard}
            onChange={(event) => setSaveCard(event.target.checked)}
            className="mt-0.5 size-5 shrink-0 accent-brand-600"
          />
          <span>
            <span className="font-medium">Save my card for auto top-up</span>
            <span className="block text-zinc-600">
              Stripe keeps the card you pay with, so auto top-up (below) can charge it when your
              credits run low. Nothing is charged until you turn auto top-up on.
            </span>
          </span>
        </label>
      )}
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
                    onClick={() =>
                      buy.mutate({ packId: pack.id, saveCard: offerSaving && saveCard })
                    }
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
