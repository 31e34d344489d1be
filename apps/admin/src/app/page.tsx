import { SystemStatus } from "@credits/credits/react/system-status";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";

export const dynamic = "force-dynamic";

export default function AdminHomePage() {
  void getQueryClient().prefetchQuery(trpc.health.check.queryOptions());
  return (
    <HydrateClient>
      <main>
        <h1>Credits operations</h1>
        <p>
          Support customers: adjust credits, refund purchases, manage subscriptions, read the audit
          log.
        </p>
        <section className="card" aria-label="Service status">
          <SystemStatus />
        </section>
      </main>
    </HydrateClient>
  );
}
