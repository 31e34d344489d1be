// What a delivery sends: the Standard Webhooks envelope ({type, timestamp, data}, plus the event's
// id and its number in the customer's sequence) and the three signed headers. Signing is the
// standardwebhooks package's, so any Standard Webhooks library verifies it.
import { Webhook } from "standardwebhooks";

export interface OutgoingEvent {
  /** The event's id (a test event: the delivery's); `webhook-id`, the same on every retry. */
  id: string;
  type: string;
  createdAt: Date;
  /** The customer's event number; null for a test event. */
  sequence: bigint | null;
  data: Record<string, unknown>;
}

export interface SigningSecrets {
  current: string;
  /** The previous secret during a rotation's overlap; it signs too, as a second signature. */
  previous: string | null;
}

export function eventBody(event: OutgoingEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    sequence: event.sequence === null ? null : Number(event.sequence),
    data: event.data,
  });
}

/** The headers of one attempt, signed at `now` with every secret that is valid. */
export function signedHeaders(
  messageId: string,
  body: string,
  secrets: SigningSecrets,
  now: Date,
): Record<string, string> {
  const signatures = [secrets.current, secrets.previous]
    .filter((secret): secret is string => secret !== null)
    .map((secret) => new Webhook(secret).sign(messageId, now, body));
  return {
    "webhook-id": messageId,
    "webhook-timestamp": Math.floor(now.getTime() / 1000).toString(),
    "webhook-signature": signatures.join(" "),
  };
}
