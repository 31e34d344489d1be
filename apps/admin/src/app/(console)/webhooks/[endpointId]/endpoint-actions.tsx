"use client";

import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Button, ConfirmDialog, useToast } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Endpoint } from "../endpoint-status.tsx";
import { NewSecretDialog } from "../new-secret-dialog.tsx";

/** What an operator does with an endpoint: test, enable or disable, rotate its secret, delete. */
export function EndpointActions({ endpoint }: { endpoint: Endpoint }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<"rotate" | "delete" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
  const onError = (error: unknown) => setProblem(describeError(error).message);
  const sendTest = useMutation(
    trpc.admin.webhooks.sendTest.mutationOptions({
      onSuccess: async () => {
        toast.success("Test event queued: it appears in the deliveries below within seconds.");
        await refresh();
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.admin.webhooks.update.mutationOptions({
      onSuccess: async (changed) => {
        toast.success(changed.enabled ? "Endpoint enabled." : "Endpoint disabled.");
        await refresh();
      },
      onError,
    }),
  );
  const rotate = useMutation(
    trpc.admin.webhooks.rotateSecret.mutationOptions({
      onSuccess: async (rotated) => {
        setConfirming(null);
        setSecret(rotated.secret);
        await refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.admin.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        toast.success("Endpoint deleted.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.list.queryKey() });
        router.push("/webhooks");
      },
      onError,
    }),
  );
  return (
    <div className="flex flex-col gap-3">
      {problem && <Alert>{problem}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button
          busy={sendTest.isPending}
          disabled={!endpoint.enabled}
          onClick={() => {
            setProblem(null);
            sendTest.mutate({ endpointId: endpoint.id });
          }}
        >
          Send test event
        </Button>
        <Button
          variant="secondary"
          busy={update.isPending}
          onClick={() => {
            setProblem(null);
            update.mutate({ endpointId: endpoint.id, enabled: !endpoint.enabled });
          }}
        >
          {endpoint.enabled ? "Disable" : "Enable"}
        </Button>
        <Button variant="secondary" onClick={() => setConfirming("rotate")}>
          Rotate secret
        </Button>
        <Button variant="danger" onClick={() => setConfirming("delete")}>
          Delete
        </Button>
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === "delete" ? "Delete this endpoint?" : "Rotate the signing secret?"}
        onClose={() => setConfirming(null)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setConfirming(null)}>
              Cancel
            </Button>
            {confirming === "delete" ? (
              <Button
                variant="danger"
                busy={remove.isPending}
                onClick={() => remove.mutate({ endpointId: endpoint.id })}
              >
                Delete endpoint
              </Button>
            ) : (
              <Button
                busy={rotate.isPending}
                onClick={() => rotate.mutate({ endpointId: endpoint.id })}
              >
                Rotate secret
              </Button>
            )}
          </>
        }
      >
        <p className="break-words">
          {confirming === "delete"
            ? `Events stop going to ${endpoint.url} at once, and its delivery log is deleted with it. To pause it instead, disable it.`
            : "A new secret signs every event from now on. The current one keeps signing as a second signature for 24 hours, so the receiver can switch without missing events."}
        </p>
      </ConfirmDialog>
      {secret && (
        <NewSecretDialog
          url={endpoint.url}
          secret={secret}
          rotated
          onClose={() => setSecret(null)}
        />
      )}
    </div>
  );
}
