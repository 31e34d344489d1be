"use client";

import {
  appsWithDefault,
  describeError,
  describeThreshold,
  fieldErrorMessage,
  ThresholdFields,
  thresholdOfForm,
  useTRPC,
} from "@credits/credits/react";
import { Alert, Button, Card, CardTitle, formatNumber, Skeleton, useToast } from "@credits/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

/** The user's low-balance alert in one app: the default or a number of their own. */
function AppAlertForm({ appId, appName }: { appId: string; appName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const status = useQuery(trpc.credits.threshold.queryOptions({ appId }));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.credits.setThreshold.mutationOptions({
      onSuccess: async (saved) => {
        toast.success(`Saved. ${describeThreshold(saved)} in ${appName}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.credits.threshold.pathKey() });
      },
    }),
  );
  if (status.isError) return <Alert>{describeError(status.error).message}</Alert>;
  if (!status.data) return <Skeleton className="h-24" />;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const read = thresholdOfForm(new FormData(event.currentTarget));
    setProblem(read.problem);
    if (read.problem === null) save.mutate({ appId, threshold: read.threshold });
  }

  const serverProblem = fieldErrorMessage(save.error, "threshold", "The threshold");
  const otherProblem = save.error && !serverProblem ? describeError(save.error).message : null;
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      {otherProblem && <Alert>{otherProblem}</Alert>}
      <ThresholdFields
        key={`${status.data.custom}`}
        status={status.data}
        legend={`Alert me when available credits in ${appName} fall below`}
        error={problem ?? serverProblem}
      />
      <p className="text-xs text-zinc-600">
        Now: {describeThreshold(status.data)}; {formatNumber(status.data.available)} available.
      </p>
      <Button type="submit" busy={save.isPending} className="self-start">
        Save alert
      </Button>
    </form>
  );
}

/** Low-balance alerts per app: the banner on every page shows below them. */
export function LowBalanceAlerts() {
  const trpc = useTRPC();
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const apps = appsWithDefault(balance.data?.apps ?? []);
  return (
    <Card aria-label="Low-balance alerts">
      <CardTitle>Low-balance alerts</CardTitle>
      <p className="mb-4 text-sm text-zinc-600">
        When your available credits fall below this number, a banner reminds you to buy more.
      </p>
      {balance.data ? (
        <div className="flex flex-col gap-6">
          {apps.map((app) => (
            <AppAlertForm key={app.appId} appId={app.appId} appName={app.appName} />
          ))}
        </div>
      ) : (
        <Skeleton className="h-24" />
      )}
    </Card>
  );
}
