"use client";

import type { RouterOutputs } from "@credits/credits";
import { describeError, useTRPC } from "@credits/credits/react";
import { Alert, Button, Card, CardTitle, Field } from "@credits/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";

export type CreatedToken = RouterOutputs["admin"]["tokens"]["create"];
type Scope = "read" | "write" | "webhooks";

const scopes: { scope: Scope; allows: string }[] = [
  { scope: "read", allows: "balances, history, purchases, plans, quotas and usage checks" },
  {
    scope: "write",
    allows: "adding, deducting, transfers, purchases, holds, plan changes and tracking usage",
  },
  {
    scope: "webhooks",
    allows:
      "managing webhook endpoints and reading their delivery logs (an endpoint receives every customer's events; read and write do not allow this)",
  },
];

/** Names a new token and chooses its scopes; the created token goes to `onCreated`. */
export function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const scopesErrorId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const create = useMutation(
    trpc.admin.tokens.create.mutationOptions({
      onSuccess: async (created) => {
        formRef.current?.reset();
        onCreated(created);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
      },
      onError: (error) => {
        const described = describeError(error);
        setErrors({
          name: described.data.fieldErrors?.name?.[0],
          scopes: described.data.fieldErrors?.scopes?.[0],
        });
        setProblem(described.message);
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const chosen = form.getAll("scopes").map(String) as Scope[];
    const found = {
      name: name ? undefined : "Give the token a name, e.g. the backend that will use it.",
      scopes: chosen.length ? undefined : "Choose at least one scope.",
    };
    setErrors(found);
    setProblem(null);
    if (found.name || found.scopes) return;
    create.mutate({ name, scopes: chosen });
  }
  return (
    <Card>
      <CardTitle>Create a token</CardTitle>
      <form ref={formRef} onSubmit={submit} className="flex flex-col gap-4" noValidate>
        {problem && <Alert>{problem}</Alert>}
        <Field
          className="max-w-md"
          label="Name"
          name="name"
          maxLength={100}
          placeholder="e.g. Reports worker"
          hint="Who or what uses it, so you know what stops working if you revoke it."
          error={errors.name}
        />
        <fieldset
          className="flex flex-col gap-2"
          aria-describedby={errors.scopes ? scopesErrorId : undefined}
        >
          <legend className="mb-1 text-sm font-medium text-zinc-800">Scopes</legend>
          {scopes.map(({ scope, allows }) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={scope === "read"}
                className="mt-0.5 size-4"
              />
              <span>
                <span className="font-mono font-semibold">{scope}</span>: {allows}
              </span>
            </label>
          ))}
          {errors.scopes && (
            <p id={scopesErrorId} className="text-xs font-medium text-red-700">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        <div>
          <Button type="submit" busy={create.isPending}>
            Create token
          </Button>
        </div>
      </form>
    </Card>
  );
}
