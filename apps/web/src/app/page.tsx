import { SystemStatus } from "@credits/credits/react/system-status";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";

export const dynamic = "force-dynamic";

export default function HomePage() {
  void getQueryClient().prefetchQuery(trpc.health.check.queryOptions());
  return (
    <HydrateClient>
      <main>
        <h1>Your credits</h1>
        <p>Balances, history, purchases and subscriptions for every app you use, in one place.</p>
        <section className="card" aria-label="Service status">
          <SystemStatus />
        </section>
      </main>
    </HydrateClient>
  );
}
