"use client";

import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  loggerLink,
  splitLink,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { z } from "zod";
import type { AppRouter } from "../root.ts";
import { makeQueryClient } from "./query-client.ts";

// zod compiles object schemas with `new Function` after probing whether eval is allowed; the pages'
// CSP forbids eval, and the probe alone is reported as a violation. Interpreted parsing is plenty
// fast for forms. This module is in every page's bundle, ahead of any parse.
z.config({ jitless: true });

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // On the server every request gets its own client; in the browser one lives for the page's life,
  // so a suspense boundary that re-renders does not throw away the cache.
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/** Wraps an app in TanStack Query and the typed tRPC client of the shared `credits` router. */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Development only: a failed call is already shown on the page (describeError), and logging
        // it again in production puts a console error in every user's browser for a typed refusal.
        loggerLink({ enabled: () => process.env.NODE_ENV === "development" }),
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
