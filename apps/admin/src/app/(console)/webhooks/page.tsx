import type { Metadata } from "next";
import { WebhookEndpoints } from "./webhook-endpoints.tsx";

export const metadata: Metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return <WebhookEndpoints />;
}
