import type { RouterOutputs } from "@credits/credits";
import { Badge } from "@credits/ui";

export type Endpoint = RouterOutputs["admin"]["webhooks"]["list"][number];

/** Enabled, failing (since when) or disabled, as a badge. */
export function EndpointStatus({ endpoint }: { endpoint: Endpoint }) {
  if (!endpoint.enabled) return <Badge tone="error">Disabled</Badge>;
  if (endpoint.failingSince) return <Badge tone="warning">Failing</Badge>;
  return <Badge tone="success">Enabled</Badge>;
}

/** The event types an endpoint gets, in words. */
export function eventTypesLabel(eventTypes: string[]): string {
  return eventTypes.length === 0 ? "All events except credits.spent" : eventTypes.join(", ");
}
