"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, eventTypes, useTRPC } from "@credits/credits/react";
import { Alert, Button, Card, CardTitle, Field } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";

export type CreatedEndpoint = RouterOutputs["admin"]["webhooks"]["create"];

/** A new endpoint: URL, what it is for, and the events it wants (none ticked: all but the opt-in). */
export function CreateEndpointForm({
  onCreated,
}: {
  onCreated: (created: CreatedEndpoint) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ url?: string; description?: string }>({});
  const create = useMutation(
    trpc.admin.webhooks.create.mutationOptions({
      onSuccess: async (created) => {
        formRef.current?.reset();
        onCreated(created);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.list.queryKey() });
      },
      onError: (error) => {
        const described = describeError(error);
        setErrors({
          url: described.data.fieldErrors?.url?.[0],
          description: described.data.fieldErrors?.description?.[0],
        });
        setProblem(described.message);
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const url = String(form.get("url") ?? "").trim();
    setProblem(null);
    if (!url) {
      setErrors({
        url: "Enter the URL that receives the events, e.g. https://api.example.com/hooks.",
      });
      return;
    }
    setErrors({});
    const chosen = form.getAll("eventTypes").map(String);
    create.mutate({
      url,
      description: String(form.get("description") ?? "").trim(),
      eventTypes: eventTypes.filter((type) => chosen.includes(type)),
      enabled: true,
    });
  }
  return (
    <Card>
      <CardTitle>Add an endpoint</CardTitle>
      <form ref={formRef} onSubmit={submit} className="flex flex-col gap-4" noValidate>
        {problem && <Alert>{problem}</Alert>}
        <Field
          className="max-w-xl"
          label="URL"
          name="url"
          type="url"
          maxLength={2048}
          placeholder="https://api.example.com/webhooks/credits"
          hint="Receives a signed POST per event. Redirects are not followed."
          error={errors.url}
        />
        <Field
          className="max-w-xl"
          label="Description (optional)"
          name="description"
          maxLength={500}
          placeholder="e.g. Billing backend"
          error={errors.description}
        />
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium text-zinc-800">Events</legend>
          <p className="text-xs text-zinc-600">
            Tick none to get every event except credits.spent, which is sent only when ticked (one
            per spend).
          </p>
          <div className="grid gap-x-6 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
            {eventTypes.map((type) => (
              <label key={type} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="eventTypes" value={type} className="size-4" />
                <span className="font-mono text-xs">{type}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <Button type="submit" busy={create.isPending}>
            Add endpoint
          </Button>
        </div>
      </form>
    </Card>
  );
}
