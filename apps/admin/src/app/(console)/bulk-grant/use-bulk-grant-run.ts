"use client";

import type { Tier } from "@credits/credits";
import { describeError, useTRPC, useTRPCClient } from "@credits/credits/react";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";

const chunkSize = 50;
/** The members of a tier are read this many at a time, and each page is sent as one chunk. */
const tierPageSize = 100;
const storageKey = "credits-admin.bulk-grant";

export type PaidTier = Exclude<Tier, "FREE">;

/** What every recipient of a bulk grant gets. */
export interface Grant {
  amount: number;
  reason: string;
  /** An ISO timestamp: kept as text, as the batch is saved in localStorage. */
  expiresAt?: string;
}

/** Everyone on a paid tier, read a page at a time as the grant goes. */
interface TierRecipients {
  tier: PaidTier;
  /** How many were on the tier when the last page was read; null before the first. */
  total: number | null;
  /** Where the next page starts (null: at the beginning); an interrupted run resumes from here. */
  cursor: string | null;
  finished: boolean;
}

export interface Batch extends Grant {
  batchKey: string;
  /** The listed recipients; empty when the batch goes to a tier. */
  emails: string[];
  /** Set for a grant to everyone on a tier (optional, so list batches saved earlier still load). */
  tier?: TierRecipients;
  /** How many recipients are done: in list mode, the next chunk starts here. */
  done: number;
  granted: number;
  unknown: string[];
  failed: string[];
}

/** How many recipients the batch has, as far as is known (a tier's total is read as it goes). */
export const totalOf = (batch: Batch) =>
  batch.tier ? Math.max(batch.tier.total ?? 0, batch.done) : batch.emails.length;
export const isFinished = (batch: Batch) =>
  batch.tier ? batch.tier.finished : batch.done >= batch.emails.length;

/**
 * Runs a bulk grant in chunks and keeps the batch (with its key) in this browser, so an
 * interrupted run resumes where it stopped; the server's per-user idempotency keys make re-sent
 * chunks grant nobody twice. `problem` says why the last run stopped, until the next one starts.
 */
export function useBulkGrantRun() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [batch, setBatch] = useState<Batch | null>(null);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const send = useMutation(trpc.admin.credits.bulkGrant.mutationOptions());

  useEffect(() => {
    const saved = localStorage.getItem(storageKey);
    if (saved) setBatch(JSON.parse(saved) as Batch);
  }, []);
  useEffect(() => {
    if (batch) localStorage.setItem(storageKey, JSON.stringify(batch));
  }, [batch]);

  /** The next emails to send and, for a tier, where its paging stands once they are sent. */
  async function nextChunk(current: Batch): Promise<{ emails: string[]; tier?: TierRecipients }> {
    if (!current.tier) {
      return { emails: current.emails.slice(current.done, current.done + chunkSize) };
    }
    // Read fresh each time (not from the query cache): the tier's members change between runs.
    const page = await client.admin.subscriptions.members.query({
      tier: current.tier.tier,
      cursor: current.tier.cursor,
      limit: tierPageSize,
    });
    return {
      emails: page.emails,
      tier: {
        ...current.tier,
        total: page.total,
        cursor: page.nextCursor,
        finished: page.nextCursor === null,
      },
    };
  }

  async function run(start: Batch) {
    setRunning(true);
    setProblem(null);
    let current = start;
    try {
      while (!isFinished(current)) {
        const { emails, tier: paging } = await nextChunk(current);
        // A tier with nobody on it has an empty page, and a chunk must name someone.
        const outcomes =
          emails.length === 0
            ? []
            : await send.mutateAsync({
                batchKey: current.batchKey,
                emails,
                amount: current.amount,
                reason: current.reason,
                expiresAt: current.expiresAt ? new Date(current.expiresAt) : undefined,
              });
        current = {
          ...current,
          tier: paging,
          done: current.done + emails.length,
          granted:
            current.granted + outcomes.filter((outcome) => outcome.status === "granted").length,
          unknown: [
            ...current.unknown,
            ...outcomes.filter((o) => o.status === "unknown-user").map((o) => o.email),
          ],
          failed: [
            ...current.failed,
            ...outcomes.filter((o) => o.status === "failed").map((o) => o.email),
          ],
        };
        setBatch(current);
      }
    } catch (error) {
      setProblem(`${describeError(error).message} Resume to continue where it stopped.`);
    } finally {
      setRunning(false);
    }
  }

  /** Starts a new batch, to the listed emails or to everyone on a tier. */
  function begin(recipients: { emails: string[] } | { tier: PaidTier }, grant: Grant) {
    const fresh: Batch = {
      batchKey: crypto.randomUUID(),
      ...("tier" in recipients
        ? {
            emails: [],
            tier: { tier: recipients.tier, total: null, cursor: null, finished: false },
          }
        : { emails: recipients.emails }),
      ...grant,
      done: 0,
      granted: 0,
      unknown: [],
      failed: [],
    };
    setBatch(fresh);
    void run(fresh);
  }

  return {
    batch,
    running,
    problem,
    begin,
    /** Carries on an interrupted batch from where it stopped. */
    resume: () => batch && run(batch),
    /** Forgets the batch, in this browser too, so a new one can start. */
    discard: () => {
      localStorage.removeItem(storageKey);
      setBatch(null);
    },
  };
}
