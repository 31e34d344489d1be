import { openApiDocument } from "@credits/credits";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "API reference" };

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: { bearer: string[] }[];
  parameters: {
    name: string;
    in: string;
    required: boolean;
    description?: string;
    schema: unknown;
  }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<
    string,
    { description: string; content: { "application/json": { schema: unknown } } }
  >;
}

const methodColors: Record<string, string> = {
  get: "bg-emerald-100 text-emerald-900",
  post: "bg-brand-100 text-brand-700",
};

function Schema({ schema }: { schema: unknown }) {
  return (
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus for keyboard users to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable)
      tabIndex={0}
      className="mt-1 max-h-72 overflow-auto rounded-lg bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100"
    >
      {JSON.stringify(schema, null, 2)}
    </pre>
  );
}

function typeOf(schema: unknown): string {
  const value = schema as { type?: string; enum?: unknown[]; format?: string };
  if (value.enum) return value.enum.map(String).join(" | ");
  return [value.type, value.format].filter(Boolean).join(", ") || "any";
}

/** `/api/docs`: the REST API reference, rendered from the same OpenAPI document as /api/openapi.json. */
export default function ApiDocsPage() {
  const document = openApiDocument();
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, operation]) => ({
      path,
      method,
      operation,
    })),
  );
  const tags = [...new Set(operations.map((item) => item.operation.tags[0] ?? "API"))];
  return (
    // Long tokens in descriptions (e.g. `components.responses.UnknownEndpoint`) wrap instead of
    // widening the page on a phone.
    <main className="mx-auto w-full max-w-5xl px-4 py-8 break-words">
      <h1 className="text-3xl font-bold">{document.info.title}</h1>
      <p className="mt-2 max-w-3xl text-zinc-700">{document.info.description}</p>
      <p className="mt-2 text-sm text-zinc-600">
        Machine-readable:{" "}
        <a className="font-semibold text-brand-700 underline" href="/api/openapi.json">
          /api/openapi.json
        </a>{" "}
        (OpenAPI {document.openapi}).
      </p>
      <pre
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus for keyboard users to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable)
        tabIndex={0}
        className="mt-4 overflow-auto rounded-lg bg-zinc-900 p-4 text-sm text-zinc-100"
      >
        {`curl -X POST "$CREDITS_URL/api/credits/$USER_ID/deduct" \\
  -H "Authorization: Bearer $CREDITS_SERVICE_TOKEN" \\
  -H "Idempotency-Key: $(uuidgen)" \\
  -H "Content-Type: application/json" \\
  -d '{"amount": 10, "description": "Report generation"}'`}
      </pre>
      <nav aria-label="Endpoints" className="mt-6 flex flex-wrap gap-2 text-sm">
        {tags.map((tag) => (
          <a
            key={tag}
            href={`#${tag}`}
            className="rounded-md bg-white px-3 py-1.5 font-medium ring-1 ring-zinc-200 hover:bg-zinc-50"
          >
            {tag}
          </a>
        ))}
      </nav>
      <section aria-labelledby="general-heading" className="mt-8">
        <h2 id="general-heading" className="text-lg font-bold">
          Answers outside the endpoints
        </h2>
        <ul className="mt-2 space-y-1 text-sm text-zinc-700">
          {Object.entries(document.components.responses).map(([name, response]) => (
            <li key={name}>
              <span className="font-mono font-semibold">{name}</span> {response.description}
            </li>
          ))}
        </ul>
      </section>
      {tags.map((tag) => (
        <section key={tag} id={tag} aria-labelledby={`${tag}-heading`} className="mt-10">
          <h2 id={`${tag}-heading`} className="text-2xl font-bold">
            {tag}
          </h2>
          <div className="mt-4 flex flex-col gap-6">
            {operations
              .filter((item) => (item.operation.tags[0] ?? "API") === tag)
              .map(({ path, method, operation }) => (
                <article
                  key={operation.operationId}
                  id={operation.operationId}
                  className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200"
                >
                  <h3 className="flex flex-wrap items-center gap-2 font-mono text-sm">
                    <span
                      className={`rounded px-2 py-0.5 text-xs font-bold uppercase ${methodColors[method] ?? ""}`}
                    >
                      {method}
                    </span>
                    <span className="break-all font-semibold">{path}</span>
                    <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700">
                      scope: {operation.security[0]?.bearer.join(", ")}
                    </span>
                  </h3>
                  <p className="mt-2 text-sm text-zinc-700">{operation.summary}</p>
                  {operation.parameters.length > 0 && (
                    <table className="mt-3 w-full text-left text-sm">
                      <caption className="sr-only">Parameters</caption>
                      <thead className="text-xs uppercase text-zinc-500">
                        <tr>
                          <th className="py-1 pr-3">Parameter</th>
                          <th className="py-1 pr-3">In</th>
                          <th className="py-1">Type</th>
                        </tr>
                      </thead>
                      <tbody>
                        {operation.parameters.map((parameter) => (
                          <tr
                            key={`${parameter.in}-${parameter.name}`}
                            className="border-t border-zinc-100 align-top"
                          >
                            <td className="py-1 pr-3 font-mono">
                              {parameter.name}
                              {parameter.required && <span className="text-red-700">*</span>}
                            </td>
                            <td className="py-1 pr-3">{parameter.in}</td>
                            <td className="py-1 break-all">{typeOf(parameter.schema)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {operation.requestBody && (
                    <details className="mt-3">
                      <summary className="cursor-pointer text-sm font-semibold">
                        Request body
                      </summary>
                      <Schema schema={operation.requestBody.content["application/json"].schema} />
                    </details>
                  )}
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm font-semibold">
                      Responses: {Object.keys(operation.responses).join(", ")}
                    </summary>
                    <Schema
                      schema={operation.responses["200"]?.content["application/json"].schema}
                    />
                    <ul className="mt-2 space-y-1 text-sm text-zinc-700">
                      {Object.entries(operation.responses)
                        .filter(([status]) => status !== "200")
                        .map(([status, response]) => (
                          <li key={status}>
                            <span className="font-mono font-semibold">{status}</span>{" "}
                            {response.description}
                          </li>
                        ))}
                    </ul>
                  </details>
                </article>
              ))}
          </div>
        </section>
      ))}
    </main>
  );
}
