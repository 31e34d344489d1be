// The types every service function is written against: what it runs its queries on, and who acts.
import type { Prisma } from "@credits/db";
import type { ActorType } from "../schemas/common.ts";

/** A transaction of the one Prisma client. */
export type Tx = Prisma.TransactionClient;

/** Anything that can run raw queries: the client or a transaction. */
export type Queryable = Pick<Tx, "$queryRaw" | "$executeRaw">;

/** Anything that opens transactions: the client (a transaction cannot open another). */
export interface TransactionRunner {
  $transaction<R>(work: (tx: Tx) => Promise<R>, options?: object): Promise<R>;
}

/** Who causes a change: recorded on every entry ("created by") and scoping idempotency keys. */
export interface Actor {
  type: ActorType;
  id: string | null;
  /**
   * Who the calling backend says recorded the change (its `created_by`: its own id for a person or
   * system), written on the entries and purchases the change makes; service calls only.
   */
  recordedBy?: string | null;
}

/** Scheduled work of the platform itself (expiry sweeps, maintenance). */
export const systemActor: Actor = { type: "SYSTEM", id: null };

/** Changes Stripe causes through its webhook events. */
export const stripeActor: Actor = { type: "STRIPE", id: null };

/** The actor with who the calling backend says recorded the change (its `created_by`), if it did. */
export function withRecordedBy(actor: Actor, recordedBy: string | undefined): Actor {
  return recordedBy ? { ...actor, recordedBy } : actor;
}
