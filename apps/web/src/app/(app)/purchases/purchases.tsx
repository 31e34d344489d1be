"use client";

import { describeError, purchaseColumns, useIdempotencyKey, useTRPC } from "@credits/credits/react";
import {
  Alert,
  Button,
  Card,
  CardTitle,
  DataTable,
  EmptyState,
  formatCredits,
  formatNumber,
  type SortOrder,
  useToast,
} from "@credits/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { catalog } from "~/lib/catalog.ts";

/**
 * Buys one catalog item. When the balance is known to be too low the button is disabled and a short
 * note says by how much, with the way to more credits; the server's refusal (the balance changed meanwhile)
 * reads the same.
 */
function BuyButton({
  item,
  available,
}: {
  item: (typeof catalog)[number];
  /** What the user can spend now; undefined while it loads. */
  available: number | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [idempotencyKey, renewKey] = useIdempotencyKey();
  const [refused, setRefused] = useState<number | null>(null);
  const noteId = useId();
  const buy = useMutation(
    trpc.purchases.create.mutationOptions({
      onSuccess: async (result) => {
        renewKey();
        setRefused(null);
        toast.success(`Bought “${item.itemName}”. ${formatCredits(result.available)} left.`);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.credits.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.purchases.list.pathKey() }),
        ]);
      },
      onError: (error) => {
        const problem = describeError(error);
        if (problem.code === "PAYMENT_REQUIRED") {
          setRefused(problem.data.available ?? 0);
        } else {
          toast.error(problem.message);
        }
      },
    }),
  );
  const unaffordable = available !== undefined && available < item.credits;
  const short = unaffordable ? available : refused;
  return (
    <div className="flex flex-col gap-2">
      <Button
        disabled={unaffordable}
        aria-describedby={short !== null ? noteId : undefined}
        onClick={() =>
          buy.mutate({
            itemId: item.itemId,
            itemName: item.itemName,
            credits: item.credits,
            idempotencyKey,
          })
        }
        busy={buy.isPending}
        aria-label={`Buy ${item.itemName} for ${formatCredits(item.credits)}`}
      >
        Buy for {formatCredits(item.credits)}
      </Button>
      {short !== null && (
        // Short, so the card it sits in grows by a line or two, not the whole row: the price is
        // on the button and the balance at the top of the page.
        <p id={noteId} className="text-xs text-red-800" data-testid={`shortfall-${item.itemId}`}>
          Not enough credits: {formatNumber(item.credits - short)} short.{" "}
          <Link href="/billing" className="font-semibold underline">
            Get more credits
          </Link>
        </p>
      )}
    </div>
  );
}

export function Purchases() {
  const trpc = useTRPC();
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const [order, setOrder] = useState<SortOrder>("desc");
  const purchases = useInfiniteQuery(
    trpc.purchases.list.infiniteQueryOptions(
      { order, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Purchases</h1>
        <p className="text-sm text-zinc-600" aria-live="polite">
          Available:{" "}
          <span className="font-semibold text-zinc-900" data-testid="available-balance">
            {balance.data ? formatNumber(balance.data.available) : "…"}
          </span>{" "}
          credits
        </p>
      </div>
      <section aria-labelledby="catalog-heading">
        <h2 id="catalog-heading" className="mb-3 text-lg font-semibold">
          Reports you can buy
        </h2>
        <ul className="grid gap-4 md:grid-cols-3">
          {catalog.map((item) => (
            <li key={item.itemId}>
              <Card className="flex h-full flex-col gap-3">
                <div className="flex-1">
                  <h3 className="font-semibold">{item.itemName}</h3>
                  <p className="mt-1 text-sm text-zinc-600">{item.blurb}</p>
                </div>
                <BuyButton item={item} available={balance.data?.available} />
              </Card>
            </li>
          ))}
        </ul>
      </section>
      <Card>
        <CardTitle>Your purchases</CardTitle>
        {purchases.isError ? (
          <Alert>{describeError(purchases.error).message}</Alert>
        ) : (
          <DataTable
            label="Your purchases"
            columns={purchaseColumns}
            rows={purchases.data?.pages.flatMap((page) => page.purchases) ?? []}
            getRowId={(purchase) => purchase.id}
            sort={{ column: "date", order }}
            onSortChange={(sort) => setOrder(sort.order)}
            loading={purchases.isPending}
            pages={purchases}
            empty={
              <EmptyState title="No purchases yet">
                Reports you buy with credits are listed here.
              </EmptyState>
            }
            testId="purchase-list"
          />
        )}
      </Card>
    </div>
  );
}
