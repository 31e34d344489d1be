"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import {
  Alert,
  auditActionLabel,
  auditActionLabels,
  auditChanges,
  Card,
  DataTable,
  type DataTableColumn,
  dateColumn,
  EmptyState,
  FilterInput,
  Select,
  type SortOrder,
  useViewer,
} from "@credits/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";

type AuditEntry = RouterOutputs["admin"]["audit"]["list"]["entries"][number];

function auditColumns(viewerId: string): DataTableColumn<AuditEntry>[] {
  return [
    dateColumn("date", "Date", (entry) => entry.createdAt),
    {
      id: "action",
      header: "Action",
      className: "whitespace-nowrap font-semibold",
      cell: (entry) => auditActionLabel(entry.action),
    },
    {
      id: "by",
      header: "By",
      className: "min-w-40",
      cell: (entry) => (
        <>
          {entry.actorToken ? (
            <Link href={`/audit?token=${entry.actorToken.id}`} className="text-brand-700 underline">
              token {entry.actorToken.name}
            </Link>
          ) : (
            <span className="break-all">
              {entry.actor?.email}
              {entry.actor?.id === viewerId && " (you)"}
            </span>
          )}
          {entry.recordedBy && (
            <span className="block text-xs text-zinc-500">(recorded by {entry.recordedBy})</span>
          )}
        </>
      ),
    },
    {
      id: "user",
      header: "User",
      className: "min-w-40",
      cell: (entry) =>
        entry.targetUser ? (
          <Link
            href={`/users/${entry.targetUser.id}`}
            className="break-all text-brand-700 underline"
          >
            {/* A customer another backend created may have no email yet. */}
            {entry.targetUser.email ?? entry.targetUser.id}
          </Link>
        ) : (
          "—"
        ),
    },
    {
      // The operator's reason under what changed: one column, so the log fits a laptop's width.
      id: "changes",
      header: "Changes and reason",
      className: "min-w-56 text-zinc-700",
      cell: (entry) => {
        const changes = auditChanges(entry.before, entry.after);
        return (
          <>
            {changes.length > 0 && (
              <ul>
                {changes.map((change) => (
                  <li key={change}>{change}</li>
                ))}
              </ul>
            )}
            {entry.reason && <p className="mt-1 italic">“{entry.reason}”</p>}
            {changes.length === 0 && !entry.reason && "—"}
          </>
        );
      },
    },
  ];
}

export function AuditLog() {
  const trpc = useTRPC();
  // Null only on a Pages-Router page (the app's pages/ holds API routes alone): no filter then.
  const searchParams = useSearchParams();
  const targetUserId = searchParams?.get("user") ?? undefined;
  const actorTokenId = searchParams?.get("token") ?? undefined;
  const [action, setAction] = useState("");
  // The actor filter applies once the typed address is a whole one, not at every keystroke.
  const [actorEmail, setActorEmail] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [order, setOrder] = useState<SortOrder>("desc");
  const viewer = useViewer();
  const columns = useMemo(() => auditColumns(viewer.userId), [viewer.userId]);
  const log = useInfiniteQuery(
    trpc.admin.audit.list.infiniteQueryOptions(
      {
        action: action || undefined,
        actorEmail: actorEmail || undefined,
        actorTokenId,
        targetUserId,
        from: from ? new Date(`${from}T00:00:00`) : undefined,
        to: to ? new Date(`${to}T23:59:59.999`) : undefined,
        order,
        limit: 50,
      },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const filtered = Boolean(action || actorEmail || from || to);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Audit log</h1>
        <div className="flex flex-wrap items-end gap-3">
          <FilterInput
            label="From"
            type="date"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
          <FilterInput
            label="To"
            type="date"
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
          <FilterInput
            label="Actor email"
            type="email"
            placeholder="admin@example.com"
            onChange={(event) =>
              setActorEmail(event.target.validity.valid ? event.target.value.trim() : "")
            }
          />
          <Select label="Action" value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">All actions</option>
            {Object.entries(auditActionLabels).map(([name, label]) => (
              <option key={name} value={name}>
                {label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      {(targetUserId || actorTokenId) && (
        <p className="text-sm text-zinc-600">
          {targetUserId
            ? "Showing entries about one user."
            : "Showing one service token's actions."}{" "}
          <Link href="/audit" className="font-semibold text-brand-600 hover:underline">
            Show all
          </Link>
        </p>
      )}
      <Card>
        {log.isError ? (
          <Alert>{describeError(log.error).message}</Alert>
        ) : (
          <DataTable
            label="Audit entries"
            columns={columns}
            rows={entries}
            getRowId={(entry) => entry.id}
            sort={{ column: "date", order }}
            onSortChange={(sort) => setOrder(sort.order)}
            loading={log.isPending}
            pages={log}
            empty={
              filtered ? (
                <EmptyState title="No entries match these filters">
                  {actorEmail
                    ? `No action by ${actorEmail} matches these filters.`
                    : "Widen the dates or choose another action."}
                </EmptyState>
              ) : (
                <EmptyState title="Nothing recorded yet">
                  Every operator action, and what service tokens change in plans and customers, will
                  appear here.
                </EmptyState>
              )
            }
            testId="audit-entries"
          />
        )}
      </Card>
    </div>
  );
}
