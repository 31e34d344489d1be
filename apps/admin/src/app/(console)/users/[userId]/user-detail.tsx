"use client";

import {
  describeError,
  emptyHistoryFilter,
  type HistoryFilterFields,
  HistoryFilters,
  historyFilterOf,
  isHistoryFiltered,
  LedgerTable,
  NoMatchingEntries,
  useTRPC,
} from "@credits/credits/react";
import {
  Alert,
  Card,
  CardTitle,
  Email,
  EmptyState,
  formatCredits,
  formatNumber,
  LocalDate,
  Skeleton,
  type SortOrder,
} from "@credits/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { AdjustCredits } from "./adjust-credits.tsx";
import { AutoTopupCard } from "./auto-topup-card.tsx";
import { EndSessionsButton } from "./end-sessions-button.tsx";
import { PurchasesTable } from "./purchases-table.tsx";
import { RoleButton } from "./role-button.tsx";
import { SignInLinkButton } from "./sign-in-link-button.tsx";
import type { Plans } from "./subscription-actions.tsx";
import { SubscriptionCard, UsageCard } from "./subscription-card.tsx";
import { ThresholdsCard } from "./thresholds-card.tsx";

export function UserDetail({ userId, plans }: { userId: string; plans: Plans }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.admin.users.get.queryOptions({ userId }));
  const [ledgerFields, setLedgerFields] = useState<HistoryFilterFields>(emptyHistoryFilter);
  const [ledgerOrder, setLedgerOrder] = useState<SortOrder>("desc");
  const ledger = useInfiniteQuery(
    trpc.admin.users.history.infiniteQueryOptions(
      { userId, ...historyFilterOf(ledgerFields), order: ledgerOrder, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  if (overview.isError) return <Alert>{describeError(overview.error).message}</Alert>;
  if (!overview.data) return <Skeleton className="h-64" />;
  const { user, signInLinkAllowed, balances, grants, holds, purchases, subscription, quotas } =
    overview.data;
  const entries = ledger.data?.pages.flatMap((page) => page.entries) ?? [];
  const customerName = user.email ?? `Customer ${user.externalId ?? user.id}`;
  const appBalance = (appId: string) =>
    balances.apps.find((app) => app.appId === appId)?.balance ?? 0;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">
            {user.email ? <Email value={user.email} /> : customerName}
          </h1>
          <p className="text-sm text-zinc-600">
            {user.name ?? "No name"} · {user.role === "ADMIN" ? "Administrator" : "User"} · joined{" "}
            <LocalDate value={user.createdAt} style="date" /> ·{" "}
            <span className="font-mono text-xs">{user.id}</span>
            {user.externalId && (
              <>
                {" "}
                · external id <span className="font-mono text-xs">{user.externalId}</span>
              </>
            )}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link
            href={`/audit?user=${user.id}`}
            className="rounded-lg px-3 py-2 text-sm font-semibold text-brand-600 ring-1 ring-brand-100 hover:bg-brand-50"
          >
            Audit entries
          </Link>
          {user.email && <EndSessionsButton userId={user.id} email={user.email} />}
          {signInLinkAllowed && (
            <SignInLinkButton
              userId={user.id}
              name={user.email ?? `customer ${user.externalId ?? user.id}`}
            />
          )}
          <RoleButton userId={user.id} role={user.role} />
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Balances</CardTitle>
          <p className="text-3xl font-bold break-all tabular-nums" data-testid="user-balance">
            {formatNumber(balances.total)}
          </p>
          <p className="text-sm text-zinc-600">
            {formatCredits(balances.available)} available · {formatCredits(balances.held)} on hold
          </p>
          {balances.apps.length > 0 && (
            <ul className="mt-3 divide-y divide-zinc-100 text-sm">
              {balances.apps.map((app) => (
                <li key={app.appId} className="flex justify-between py-1.5">
                  <span>{app.appName}</span>
                  <span className="tabular-nums">
                    <span data-testid={`app-balance-${app.appId}`}>
                      {formatNumber(app.balance)}
                    </span>{" "}
                    credits ({formatCredits(app.held)} held)
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <AdjustCredits userId={user.id} email={customerName} apps={balances.apps} />
      </div>
      <ThresholdsCard userId={user.id} apps={balances.apps} />
      <div className="grid gap-6 lg:grid-cols-2">
        <SubscriptionCard userId={user.id} subscription={subscription} plans={plans} />
        <UsageCard quotas={quotas} />
      </div>
      <AutoTopupCard userId={user.id} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Active grants</CardTitle>
          {grants.length === 0 ? (
            <EmptyState title="No credits left to spend" />
          ) : (
            <ul className="divide-y divide-zinc-100 text-sm" data-testid="user-grants">
              {grants.map((grant) => (
                <li key={grant.id} className="flex justify-between gap-3 py-2">
                  <span>
                    {formatCredits(grant.remaining)} of {formatNumber(grant.amount)} ·{" "}
                    {grant.source.toLowerCase()} · {grant.appId}
                  </span>
                  <span className="text-zinc-600">
                    {grant.expiresAt ? (
                      <>
                        expires <LocalDate value={grant.expiresAt} style="date" />
                      </>
                    ) : (
                      "no expiry"
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card>
          <CardTitle>Holds</CardTitle>
          {holds.length === 0 ? (
            <EmptyState title="No active holds" />
          ) : (
            <ul className="divide-y divide-zinc-100 text-sm">
              {holds.map((hold) => (
                <li key={hold.id} className="flex justify-between gap-3 py-2">
                  <span>
                    {formatCredits(hold.amount)} · {hold.description}
                  </span>
                  <span className="text-zinc-600">
                    until <LocalDate value={hold.expiresAt} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card>
        <CardTitle>Purchases</CardTitle>
        <PurchasesTable purchases={purchases} customer={customerName} appBalance={appBalance} />
      </Card>
      <Card>
        <CardTitle>Ledger</CardTitle>
        <div className="mb-4">
          <HistoryFilters
            value={ledgerFields}
            onChange={setLedgerFields}
            apps={balances.apps}
            legend="Filter the ledger"
          />
        </div>
        {ledger.isError ? (
          <Alert>{describeError(ledger.error).message}</Alert>
        ) : (
          <LedgerTable
            entries={entries}
            order={ledgerOrder}
            onOrderChange={setLedgerOrder}
            loading={ledger.isPending}
            pages={ledger}
            empty={
              isHistoryFiltered(ledgerFields) ? (
                <NoMatchingEntries />
              ) : (
                <EmptyState title="No ledger entries" />
              )
            }
            testId="user-ledger"
          />
        )}
      </Card>
    </div>
  );
}
