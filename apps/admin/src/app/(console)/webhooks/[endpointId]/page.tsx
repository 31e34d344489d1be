import type { Metadata } from "next";
import { EndpointDetail } from "./endpoint-detail.tsx";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function WebhookEndpointPage({
  params,
}: {
  params: Promise<{ endpointId: string }>;
}) {
  const { endpointId } = await params;
  return <EndpointDetail endpointId={endpointId} />;
}
