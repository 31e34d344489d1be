"use client";

import type { Plan, Tier } from "@credits/credits";
import { useTRPC, useTRPCClient } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import {
  Alert,
  Button,
  Card,
  ConfirmDialog,
  CreditAmountField,
  creditAmountProblem,
  Field,
  formatCredits,
  formatNumber,
  RadioGroup,
  Select,
} from "@credits/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";

const chunkSize = 50;
/** The members of a tier are read this many at a time, and each page is sent as one chunk. */
const tierPageSize = 100;
const storageKey = "credits-admin.bulk-grant";

type PaidTier = Exclude<Tier, "FREE">;

/** Everyone on a paid tier, read a page at a time as the grant goes. */
interface TierRecipients {
  tier: PaidTier;
  /** How many were on the tier when the last page was read; null before the first. */
  total: number | null;
  /** Where the next page starts (null: at the beginning); an interrupted run resumes from here. */
  cursor: string | null;
  finished: boolean;
}

interface Batch {
  batchKey: string;
  /** The listed recipients; empty when the batch goes to a tier. */
  emails: string[];
  /** Set for a grant to everyone on a tier (optional, so list batches saved earlier still load). */
  tier?: TierRecipients;
  amount: number;
  reason: string;
  expiresAt?: string;
  /** How many recipients are done: in list mode, the next chunk starts here. */
  done: number;
  granted: number;
  unknown: string[];
  failed: string[];
}

interface TierDraft {
  tier: PaidTier;
  amount: number;
  reason: string;
  expiresAt?: string;
}

const totalOf = (batch: Batch) =>
  batch.tier ? Math.max(batch.tier.total ?? 0, batch.done) : batch.emails.length;
const isFinished = (batch: Batch) =>
  batch.tier ? batch.tier.finished : batch.done >= batch.emails.length;

function parseEmails(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/**
 * Grants the same credits to a list of users, or to everyone on a paid tier, in chunks, showing
 * progress. The batch (with its key) is kept in this browser, so an interrupted run resumes where
 * it stopped, and the server's per-user idempotency keys make re-sent chunks grant nobody twice.
 */
export function BulkGrant({ plans }: { plans: Record<Tier, Plan> }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [batch, setBatch] = useState<Batch | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [mode, setMode] = useState<"list" | "tier">("list");
  const [tier, setTier] = useState<PaidTier>("PRO");
  const [tierDraft, setTierDraft] = useState<TierDraft | null>(null);
  const send = useMutation(trpc.admin.credits.bulkGrant.mutationOptions());
  const members = useQuery({
    ...trpc.admin.subscriptions.members.queryOptions({ tier, limit: 1 }),
    enabled: tierDraft !== null,
  });

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

  function begin(recipients: Pick<Batch, "emails" | "tier">, grant: Omit<TierDraft, "tier">) {
    const fresh: Batch = {
      batchKey: crypto.randomUUID(),
      ...recipients,
      ...grant,
      done: 0,
      granted: 0,
      unknown: [],
      failed: [],
    };
    setBatch(fresh);
    void run(fresh);
  }

  function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const emails = parseEmails(String(form.get("emails") ?? ""));
    const amount = Number(form.get("amount"));
    const reason = String(form.get("reason") ?? "").trim();
    const expires = String(form.get("expiresAt") ?? "");
    if (mode === "list" && emails.length === 0)
      return setProblem("List at least one email address.");
    const amountProblem = creditAmountProblem(amount);
    if (amountProblem) return setProblem(amountProblem);
    if (!reason)
      return setProblem("Give a reason: it goes into every user's history and the audit log.");
    setProblem(null);
    const grant = {
      amount,
      reason,
      expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
    };
    // The recipients of a tier are not on the screen, so how many there are is confirmed first.
    if (mode === "tier") return setTierDraft({ tier, ...grant });
    begin({ emails }, grant);
  }

  function confirmTier() {
    if (!tierDraft) return;
    const { tier: chosen, ...grant } = tierDraft;
    setTierDraft(null);
    begin(
      { emails: [], tier: { tier: chosen, total: null, cursor: null, finished: false } },
      grant,
    );
  }

  const finished = batch && isFinished(batch);
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <h1 className="text-2xl font-bold">Bulk grant</h1>
      {problem && <Alert>{problem}</Alert>}
      {batch && (
        <Card aria-live="polite">
          {batch.tier && (
            <p className="text-sm text-zinc-600">Everyone on {plans[batch.tier.tier].name}</p>
          )}
          <p className="font-medium">
            {finished ? "Finished" : running ? "Granting…" : "Interrupted"}: {batch.done} of{" "}
            {totalOf(batch)} users processed, {batch.granted} granted.
          </p>
          <progress
            className="mt-3 h-2 w-full"
            max={totalOf(batch)}
            value={batch.done}
            aria-label="Bulk grant progress"
          />
          {batch.unknown.length > 0 && (
            <p className="mt-2 text-sm text-zinc-700">No account for: {batch.unknown.join(", ")}</p>
          )}
          {batch.failed.length > 0 && (
            <p className="mt-2 text-sm text-red-700">Failed: {batch.failed.join(", ")}</p>
          )}
          <div className="mt-4 flex gap-2">
            {!finished && !running && <Button onClick={() => run(batch)}>Resume</Button>}
            {!running && (
              <Button
                variant="secondary"
                onClick={() => {
                  localStorage.removeItem(storageKey);
                  setBatch(null);
                }}
              >
                {finished ? "Start another" : "Discard"}
              </Button>
            )}
          </div>
        </Card>
      )}
      {!batch && (
        <Card>
          <form onSubmit={start} className="flex flex-col gap-4" noValidate>
            <RadioGroup
              legend="Recipients"
              name="mode"
              className="flex flex-wrap gap-x-4 gap-y-2 text-sm"
              options={[
                { value: "list", label: "A list of emails" },
                { value: "tier", label: "Everyone on a tier" },
              ]}
              value={mode}
              onChange={setMode}
            />
            {mode === "list" ? (
              <label className="flex flex-col gap-1 text-sm font-medium">
                Emails (one per line, or separated by commas)
                <textarea
                  name="emails"
                  rows={6}
                  className="rounded-lg border border-zinc-300 px-3 py-2 text-sm"
                  required
                />
              </label>
            ) : (
              <Select
                label="Tier"
                value={tier}
                onChange={(event) => setTier(event.target.value as PaidTier)}
              >
                {(["PRO", "PREMIUM"] as const).map((value) => (
                  <option key={value} value={value}>
                    {plans[value].name}
                  </option>
                ))}
              </Select>
            )}
            <CreditAmountField label="Credits per user" />
            <Field label="Expires on (optional)" name="expiresAt" type="date" />
            <Field label="Reason" name="reason" required maxLength={500} />
            <Button type="submit">
              {mode === "list"
                ? "Grant to everyone listed"
                : `Grant to everyone on ${plans[tier].name}`}
            </Button>
          </form>
        </Card>
      )}
      <ConfirmDialog
        open={tierDraft !== null}
        title={`Grant to everyone on ${plans[tierDraft?.tier ?? tier].name}?`}
        onClose={() => setTierDraft(null)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setTierDraft(null)}>
              Cancel
            </Button>
            <Button onClick={confirmTier} disabled={!members.data || members.data.total === 0}>
              Grant
            </Button>
          </>
        }
      >
        {tierDraft && (
          <dl className="grid grid-cols-2 gap-y-1">
            <dt>Recipients</dt>
            <dd className="text-right font-semibold tabular-nums" data-testid="tier-recipients">
              {members.isError
                ? "Unknown"
                : members.data
                  ? `${formatNumber(members.data.total)} users`
                  : "Counting…"}
            </dd>
            <dt>Each gets</dt>
            <dd className="text-right font-semibold tabular-nums">
              {formatCredits(tierDraft.amount)}
            </dd>
            {members.data && (
              <>
                <dt>In all</dt>
                <dd className="text-right font-semibold tabular-nums">
                  {formatCredits(tierDraft.amount * members.data.total)}
                </dd>
              </>
            )}
          </dl>
        )}
        {members.isError && <Alert>{describeError(members.error).message}</Alert>}
      </ConfirmDialog>
    </div>
  );
}
