import { StripeEventStatusName } from "@credits/credits";
import type { Metadata } from "next";
import { StripeEvents } from "./stripe-events.tsx";

export const metadata: Metadata = { title: "Stripe events" };

export default async function StripeEventsPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string }>;
}) {
  // ?status=FAILED (the overview links there) sets the first filter; anything else shows all.
  const status = StripeEventStatusName.safeParse((await searchParams).status).data;
  // Keyed, so following such a link from this page resets the filter too.
  return <StripeEvents key={status ?? "all"} initialStatus={status} />;
}
