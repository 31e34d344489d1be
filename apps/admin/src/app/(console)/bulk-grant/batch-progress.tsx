"use client";

import type { Plan, Tier } from "@credits/credits";
import { Button, Card } from "@credits/ui";
import { type Batch, isFinished, totalOf } from "./use-bulk-grant-run.ts";

/** How far a bulk grant has got, who could not be granted, and resuming or leaving it. */
export function BatchProgress({
  batch,
  running,
  plans,
  onResume,
  onDiscard,
}: {
  batch: Batch;
  running: boolean;
  plans: Record<Tier, Plan>;
  onResume: () => void;
  onDiscard: () => void;
}) {
  const finished = isFinished(batch);
  return (
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
        {!finished && !running && <Button onClick={onResume}>Resume</Button>}
        {!running && (
          <Button variant="secondary" onClick={onDiscard}>
            {finished ? "Start another" : "Discard"}
          </Button>
        )}
      </div>
    </Card>
  );
}
