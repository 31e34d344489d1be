"use client";

import type { RouterOutputs } from "@credits/credits";
import { useTRPC } from "@credits/credits/react";
import { describeError } from "@credits/credits/react/client";
import {
  Alert,
  Button,
  Card,
  CardTitle,
  ConfirmDialog,
  cn,
  EmptyState,
  Field,
  formatDateTime,
  Skeleton,
  useToast,
} from "@credits/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";

type ServiceToken = RouterOutputs["admin"]["tokens"]["list"][number];
type CreatedToken = RouterOutputs["admin"]["tokens"]["create"];
type Scope = "read" | "write";

const scopes: { scope: Scope; allows: string }[] = [
  { scope: "read", allows: "balances, history, purchases, plans, quotas and usage checks" },
  {
    scope: "write",
    allows: "adding, deducting, transfers, purchases, holds, plan changes and tracking usage",
  },
];

/** The new token's secret, in a dialog it cannot be brought back to once closed. */
function NewTokenDialog({ created, onClose }: { created: CreatedToken; onClose: () => void }) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  async function copyToken() {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopy("copied");
    } catch {
      // No clipboard access (an old browser, or permission refused): select it for Ctrl+C.
      inputRef.current?.select();
      setCopy("failed");
    }
  }
  return (
    <ConfirmDialog
      open
      title={`Token for “${created.name}”`}
      onClose={onClose}
      actions={<Button onClick={onClose}>I have copied it</Button>}
    >
      <div className="flex flex-col gap-3">
        <Alert tone="warning">
          <strong>Copy it now: it is shown only this once.</strong> Only a hash of it is kept, so
          nobody can show it again. If it is lost, create a new token and revoke this one.
        </Alert>
        <label htmlFor={inputId} className="font-medium text-zinc-800">
          Token
        </label>
        <div className="flex flex-wrap gap-2">
          <input
            id={inputId}
            ref={inputRef}
            readOnly
            value={created.token}
            onFocus={(event) => event.currentTarget.select()}
            spellCheck={false}
            className="min-h-10 min-w-0 flex-1 basis-56 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs"
            data-testid="new-token"
          />
          <Button variant="secondary" onClick={copyToken}>
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p role="status" className="text-xs text-zinc-600">
          {copy === "copied" && "Copied to the clipboard."}
          {copy === "failed" &&
            "The browser did not allow copying. The token is selected: press Ctrl+C (⌘C on a Mac)."}
        </p>
        <p>
          The backend sends it as{" "}
          <code className="rounded bg-zinc-100 px-1 font-mono text-xs">
            Authorization: Bearer {created.prefix}…
          </code>{" "}
          to the web app&apos;s REST API (reference at <code className="font-mono">/api/docs</code>
          ).
        </p>
      </div>
    </ConfirmDialog>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
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

function RevokeButton({ token }: { token: ServiceToken }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.admin.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.success(`Revoked “${token.name}”.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
      },
      onError: (error) => setProblem(describeError(error).message),
    }),
  );
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setProblem(null);
          setOpen(true);
        }}
        aria-label={`Revoke ${token.name}`}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={open}
        title={`Revoke “${token.name}”?`}
        onClose={() => setOpen(false)}
        actions={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              busy={revoke.isPending}
              onClick={() => revoke.mutate({ tokenId: token.id })}
            >
              Revoke token
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          {problem && <Alert>{problem}</Alert>}
          <p>
            Backends that send <span className="font-mono">{token.prefix}…</span> get 401 within 5
            seconds, on every instance. This cannot be undone: a backend that still needs access
            needs a new token.
          </p>
        </div>
      </ConfirmDialog>
    </>
  );
}

function TokenRow({ token }: { token: ServiceToken }) {
  const revoked = token.revokedAt !== null;
  return (
    <li className="py-3" data-testid="service-token">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 basis-64">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-semibold wrap-anywhere">{token.name}</span>
            <span
              className={cn(
                "rounded-full px-2.5 py-0.5 text-xs font-semibold",
                revoked ? "bg-zinc-100 text-zinc-700" : "bg-emerald-100 text-emerald-900",
              )}
            >
              {revoked ? "Revoked" : "Active"}
            </span>
            {token.scopes.map((scope) => (
              <span
                key={scope}
                className="rounded bg-brand-50 px-2 py-0.5 font-mono text-xs text-brand-700"
              >
                {scope}
              </span>
            ))}
          </p>
          <p className="mt-0.5 text-xs text-zinc-600">
            <span className="font-mono">{token.prefix}…</span> · created{" "}
            {formatDateTime(token.createdAt)}
            {token.createdBy && ` by ${token.createdBy.email}`}
          </p>
          <p className="text-xs text-zinc-600" data-testid="token-use">
            {token.lastUsedAt ? `Last used ${formatDateTime(token.lastUsedAt)}` : "Never used"}
            {token.revokedAt && ` · revoked ${formatDateTime(token.revokedAt)}`}
          </p>
        </div>
        {!revoked && <RevokeButton token={token} />}
      </div>
    </li>
  );
}

/** Service tokens for the REST API: the list, creation (secret shown once) and revocation. */
export function ServiceTokens() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions());
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Service tokens</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Other backends call the web app&apos;s REST API with these. Each token has the scopes you
          give it, is shown once when created and is stored only as a hash; revoke one as soon as it
          may have leaked.
        </p>
      </div>
      <CreateTokenForm onCreated={setCreated} />
      {created && <NewTokenDialog created={created} onClose={() => setCreated(null)} />}
      <Card>
        <CardTitle>Tokens</CardTitle>
        {tokens.isError ? (
          <Alert>{describeError(tokens.error).message}</Alert>
        ) : tokens.isPending ? (
          <div className="flex flex-col gap-3" aria-busy="true">
            <Skeleton className="h-14" />
            <Skeleton className="h-14" />
          </div>
        ) : tokens.data.length === 0 ? (
          <EmptyState title="No service tokens yet">
            Create one above for the first backend. A token set as CREDITS_SERVICE_TOKEN in the web
            app&apos;s environment also works; it is not listed here.
          </EmptyState>
        ) : (
          <>
            <ul className="divide-y divide-zinc-100" data-testid="service-tokens">
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} />
              ))}
            </ul>
            <p className="mt-3 text-xs text-zinc-500">
              Last use is recorded to the minute. The newest 200 tokens are listed.
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
