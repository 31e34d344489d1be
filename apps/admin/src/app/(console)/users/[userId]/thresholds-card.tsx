"use client";

import type { ThresholdStatus } from "@credits/credits/react";
import {
  appsWithDefault,
  describeError,
  describeThreshold,
  ThresholdFields,
  thresholdOfForm,
  useTRPC,
} from "@credits/credits/react";
import {
  Badge,
  Button,
  Card,
  CardTitle,
  ConfirmWithReasonDialog,
  formatCredits,
  Skeleton,
  useToast,
} from "@credits/ui";
import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

interface App {
  appId: string;
  appName: string;
}

/** Changes one app's threshold behind a confirmation with a reason (audited, before and after). */
function ChangeThresholdButton({
  userId,
  app,
  status,
}: {
  userId: string;
  app: App;
  status: ThresholdStatus;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const setThreshold = useMutation(
    trpc.admin.users.setThreshold.mutationOptions({
      onSuccess: async (saved) => {
        setOpen(false);
        toast.success(`${describeThreshold(saved)} in ${app.appName}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  return (
    <>
      <Button
        variant="secondary"
        aria-label={`Change the alert in ${app.appName}`}
        onClick={() => {
          setThreshold.reset();
          setOpen(true);
        }}
      >
        Change
      </Button>
      <ConfirmWithReasonDialog
        open={open}
        title={`Low-balance alert in ${app.appName}`}
        onClose={() => setOpen(false)}
        reasonLabel="Reason for the change"
        reasonHint="Shown in the audit log."
        validate={(form) => thresholdOfForm(form).problem}
        onConfirm={(reason, form) => {
          const read = thresholdOfForm(form);
          if (read.problem === null)
            setThreshold.mutate({ userId, appId: app.appId, threshold: read.threshold, reason });
        }}
        error={setThreshold.error && describeError(setThreshold.error).message}
        busy={setThreshold.isPending}
        confirmLabel="Save alert"
      >
        <ThresholdFields status={status} legend="Alert when available credits fall below" />
      </ConfirmWithReasonDialog>
    </>
  );
}

/** Each app's low-balance threshold: what applies, whether the user is below it, and a change. */
export function ThresholdsCard({ userId, apps }: { userId: string; apps: App[] }) {
  const trpc = useTRPC();
  const shown = appsWithDefault(apps);
  const statuses = useQueries({
    queries: shown.map((app) =>
      trpc.admin.users.threshold.queryOptions({ userId, appId: app.appId }),
    ),
  });
  return (
    <Card aria-label="Low-balance alerts">
      <CardTitle>Low-balance alerts</CardTitle>
      <ul className="divide-y divide-zinc-100 text-sm" data-testid="user-thresholds">
        {shown.map((app, index) => {
          const status = statuses[index]?.data;
          return (
            <li key={app.appId} className="flex flex-wrap items-center justify-between gap-3 py-2">
              <div>
                <p className="font-medium">{app.appName}</p>
                {status ? (
                  <p className="text-zinc-600">
                    {describeThreshold(status)} · {formatCredits(status.available)} available{" "}
                    {status.low && <Badge tone="warning">low</Badge>}
                  </p>
                ) : (
                  <Skeleton className="h-4 w-40" />
                )}
              </div>
              {status && <ChangeThresholdButton userId={userId} app={app} status={status} />}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
