"use client";

import { useTRPC } from "@credits/credits/react";
import { formatCredits, formatNumber } from "@credits/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

/**
 * Shown on every signed-in page while available credits are below the user's alert. The web app is
 * the platform's "default" app, so that is the account it watches; live updates refresh it.
 */
export function LowBalanceBanner() {
  const trpc = useTRPC();
  const status = useQuery(trpc.credits.threshold.queryOptions({ appId: "default" }));
  if (!status.data?.low) return null;
  return (
    <section
      aria-label="Low balance"
      className="mb-6 flex flex-wrap items-center justify-between gap-3 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200"
      data-testid="low-balance-banner"
    >
      <p>
        Your credits are running low: {formatNumber(status.data.available)} available, below your
        alert at {formatCredits(status.data.threshold)}.
      </p>
      <Link
        href="/billing"
        className="rounded-lg bg-brand-600 px-3 py-2 font-semibold text-white hover:bg-brand-700"
      >
        Buy credits
      </Link>
    </section>
  );
}
