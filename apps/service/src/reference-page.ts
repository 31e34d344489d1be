// GET /api/docs: the REST API's reference as one self-contained HTML page, written from the
// OpenAPI document (the page of apps/web shows the same document with the apps' styles).

interface Operation {
  summary: string;
  tags: string[];
  security?: { bearer: string[] }[];
  parameters?: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function operationHtml(method: string, path: string, operation: Operation): string {
  const scopes = operation.security?.flatMap((entry) => entry.bearer) ?? [];
  const parameters = (operation.parameters ?? [])
    .map(
      (parameter) =>
        `<li><code>${escapeHtml(parameter.name)}</code> (${escapeHtml(parameter.in)}${parameter.required ? ", required" : ""})${parameter.description ? ` — ${escapeHtml(parameter.description)}` : ""}</li>`,
    )
    .join("");
  const body = operation.requestBody
    ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(operation.requestBody.content["application/json"].schema, null, 2))}</pre></details>`
    : "";
  const responses = Object.entries(operation.responses)
    .map(
      ([status, response]) => `<li><code>${status}</code> ${escapeHtml(response.description)}</li>`,
    )
    .join("");
  return `<section>
  <h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(operation.summary)}${scopes.length ? ` <small>(token scope: ${scopes.map(escapeHtml).join(", ")})</small>` : ""}</p>
  ${parameters ? `<ul>${parameters}</ul>` : ""}
  ${body}
  <details><summary>Responses</summary><ul>${responses}</ul></details>
</section>`;
}

/** The page of `document`; its one style element carries `nonce`, which the page's CSP names. */
export function referencePage(document: unknown, nonce: string): string {
  const { info, paths } = document as Document;
  const sections = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => operationHtml(method, path, operation)),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} — API reference</title>
<style nonce="${nonce}">
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: #18181b; }
  section { border-top: 1px solid #e4e4e7; padding: 0.75rem 0; }
  h3 { font-size: 1rem; margin: 0; overflow-wrap: anywhere; }
  .method { background: #eef2ff; border-radius: 0.25rem; padding: 0 0.35rem; }
  pre { background: #18181b; color: #f4f4f5; padding: 0.75rem; overflow: auto; border-radius: 0.5rem; font-size: 0.8rem; }
  code { overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description ?? "")} The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
${sections}
</body>
</html>`;
}
