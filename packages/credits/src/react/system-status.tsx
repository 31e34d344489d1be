"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./provider.tsx";

/** A one-line health indicator backed by `health.check`, refreshed every 30 seconds. */
export function SystemStatus() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.check.queryOptions(), refetchInterval: 30_000 });

  let state: "ok" | "bad" | "pending" = "pending";
  let label = "Checking the service…";
  if (health.isError) {
    state = "bad";
    label = "The service cannot be reached right now. Try again in a moment.";
  } else if (health.data) {
    const up = health.data.database.status === "ok";
    state = up ? "ok" : "bad";
    label = up ? "All systems operational" : "The database is unavailable; we are on it.";
  }

  return (
    <output className="status" aria-live="polite">
      <span className="dot" data-state={state} aria-hidden="true" />
      {label}
    </output>
  );
}
