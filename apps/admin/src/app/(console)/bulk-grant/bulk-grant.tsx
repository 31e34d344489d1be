"use client";

import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import { Alert, Button, Card, Field } from "@credits/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";

const chunkSize = 50;
const storageKey = "credits-admin.bulk-grant";

interface Batch {
  batchKey: string;
  emails: string[];
  amount: number;
  reason: string;
  expiresAt?: string;
  /** How many emails are done: the next chunk starts here. */
  done: number;
  granted: number;
  unknown: string[];
  failed: string[];
}

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
 * Grants the same credits to a list of users in chunks, showing progress. The batch (with its key)
 * is kept in this browser, so an interrupted run resumes where it stopped, and the server's
 * per-user idempotency keys make re-sent chunks grant nobody twice.
 */
export function BulkGrant() {
  const trpc = useTRPC();
  const [batch, setBatch] = useState<Batch | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const send = useMutation(trpc.admin.credits.bulkGrant.mutationOptions());

  useEffect(() => {
    const saved = localStorage.getItem(storageKey);
    if (saved) setBatch(JSON.parse(saved) as Batch);
  }, []);
  useEffect(() => {
    if (batch) localStorage.setItem(storageKey, JSON.stringify(batch));
  }, [batch]);

  async function run(start: Batch) {
    setRunning(true);
    setProblem(null);
    let current = start;
    try {
      while (current.done < current.emails.length) {
        const emails = current.emails.slice(current.done, current.done + chunkSize);
        const outcomes = await send.mutateAsync({
          batchKey: current.batchKey,
          emails,
          amount: current.amount,
          reason: current.reason,
          expiresAt: current.expiresAt ? new Date(current.expiresAt) : undefined,
        });
        current = {
          ...current,
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

  function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const emails = parseEmails(String(form.get("emails") ?? ""));
    const amount = Number(form.get("amount"));
    const reason = String(form.get("reason") ?? "").trim();
    const expires = String(form.get("expiresAt") ?? "");
    if (emails.length === 0) return setProblem("List at least one email address.");
    if (!Number.isInteger(amount) || amount <= 0)
      return setProblem("Enter a whole number of credits greater than zero.");
    if (!reason)
      return setProblem("Give a reason: it goes into every user's history and the audit log.");
    const fresh: Batch = {
      batchKey: crypto.randomUUID(),
      emails,
      amount,
      reason,
      expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
      done: 0,
      granted: 0,
      unknown: [],
      failed: [],
    };
    setBatch(fresh);
    void run(fresh);
  }

  const finished = batch && batch.done >= batch.emails.length;
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <h1 className="text-2xl font-bold">Bulk grant</h1>
      {problem && <Alert>{problem}</Alert>}
      {batch && (
        <Card aria-live="polite">
          <p className="font-medium">
            {finished ? "Finished" : running ? "Granting…" : "Interrupted"}: {batch.done} of{" "}
            {batch.emails.length} users processed, {batch.granted} granted.
          </p>
          <progress
            className="mt-3 h-2 w-full"
            max={batch.emails.length}
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
            <label className="flex flex-col gap-1 text-sm font-medium">
              Emails (one per line, or separated by commas)
              <textarea
                name="emails"
                rows={6}
                className="rounded-lg border border-zinc-300 px-3 py-2 text-sm"
                required
              />
            </label>
            <Field label="Credits per user" name="amount" type="number" min={1} step={1} required />
            <Field label="Expires on (optional)" name="expiresAt" type="date" />
            <Field label="Reason" name="reason" required maxLength={500} />
            <Button type="submit">Grant to everyone listed</Button>
          </form>
        </Card>
      )}
    </div>
  );
}
