import "server-only";

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache, type ReactNode } from "react";
import { appRouter } from "../root.ts";
import type { CreditsContext } from "../trpc.ts";
import { makeQueryClient } from "./query-client.ts";

/**
 * Server-component helpers for an app: `trpc` options to prefetch with, and `HydrateClient` to hand
 * the prefetched cache to client components, so the first paint already has the data.
 * `createContext` builds the caller's context (database and session) once per request.
 */
export function createServerHelpers(createContext: () => Promise<CreditsContext>) {
  const getQueryClient = cache(makeQueryClient);
  const trpc = createTRPCOptionsProxy({
    router: appRouter,
    ctx: cache(createContext),
    queryClient: getQueryClient,
  });

  function HydrateClient({ children }: { children: ReactNode }) {
    return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
  }

  return { trpc, getQueryClient, HydrateClient };
}
