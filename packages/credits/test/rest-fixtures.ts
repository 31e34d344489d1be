// The REST API served over real HTTP (node:http around the same adapter and handler the Next.js API routes call),
// with every response checked against the OpenAPI document.
import { randomUUID } from "node:crypto";
import { createMemoryRateLimiter, type RateLimiter } from "@credits/auth";
import type { Database } from "@credits/db";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, expect } from "vitest";
import { serviceApiConfigFrom } from "../src/rest/config.ts";
import type { RestDependencies } from "../src/rest/handler.ts";
import { serveRestOnNode } from "../src/rest/node-server.ts";
import { openApiDocument } from "../src/rest/openapi.ts";
import { createServiceToken, type TokenScope } from "../src/service/tokens.ts";
import type { BillingConfig } from "../src/stripe/config.ts";
import { createUser, db, unconfiguredBilling } from "./fixtures.ts";

export const bootstrapToken = `bootstrap-${randomUUID()}-${randomUUID()}`;

export interface TestApi {
  url: string;
  deps: RestDependencies;
  close(): Promise<void>;
}

/** Serves the REST handler on a free port. */
export async function startApi(
  options: {
    db?: Database;
    billing?: BillingConfig;
    limiter?: RateLimiter;
    env?: Record<string, string>;
  } = {},
): Promise<TestApi> {
  const deps: RestDependencies = {
    db: options.db ?? db,
    billing: options.billing ?? unconfiguredBilling,
    config: serviceApiConfigFrom({ CREDITS_SERVICE_TOKEN: bootstrapToken, ...options.env }),
    limiter: options.limiter ?? createMemoryRateLimiter(),
  };
  const server = await serveRestOnNode(deps);
  return { url: server.url, deps, close: server.close };
}

export const api = await startApi();
afterAll(() => api.close());

const document = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, "openapi");

function validateAt(pointer: string, body: unknown, what: string) {
  const validate = ajv.getSchema(`openapi#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  const valid = validate(body);
  expect(valid, `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

const pointerPart = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Checks a response against what the OpenAPI document says the route answers with that status;
 * a documented path under a method it does not list must be the document's 405.
 */
export function expectDocumented(
  path: string,
  method: string,
  status: number,
  body: unknown,
  headers?: Headers,
) {
  const pathItem = document.paths[path] as
    | Record<string, { responses: Record<string, unknown> }>
    | undefined;
  expect(pathItem, `${path} is documented`).toBeDefined();
  const operation = pathItem?.[method.toLowerCase()];
  if (!operation) {
    expect(status, `${method} ${path} is not an operation, so it must answer 405`).toBe(405);
    validateAt(
      "/components/responses/MethodNotAllowed/content/application~1json/schema",
      body,
      `${method} ${path}`,
    );
    if (headers) {
      expect(headers.get("allow")).toBe(
        Object.keys(pathItem ?? {})
          .map((name) => name.toUpperCase())
          .join(", "),
      );
    }
    return;
  }
  expect(
    Object.keys(operation.responses),
    `${method} ${path} documents status ${status}`,
  ).toContain(String(status));
  validateAt(
    `/paths/${pointerPart(path)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`,
    body,
    `${method} ${path} ${status}`,
  );
}

/** Checks an answer to a path the document does not list: its 404 for unknown endpoints. */
export function expectUnknownEndpoint(path: string, status: number, body: unknown) {
  expect(Object.keys(document.paths), `${path} is not a documented path`).not.toContain(path);
  expect(status).toBe(404);
  validateAt("/components/responses/UnknownEndpoint/content/application~1json/schema", body, path);
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes; the document check types it.
  body: any;
  headers: Headers;
}

/**
 * Calls the API as another backend would, and checks the answer against the document when the
 * route template is given.
 */
export async function call(
  method: string,
  path: string,
  options: {
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    idempotencyKey?: string;
    headers?: Record<string, string>;
    template?: string;
    base?: string;
  } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? bootstrapToken : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${options.base ?? api.url}${path}`, { method, headers, body });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (options.template) {
    expectDocumented(options.template, method, response.status, parsed, response.headers);
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A user with `credits` in the default app, granted through the API itself. */
export async function userWithCredits(credits: number) {
  const user = await createUser();
  if (credits > 0) {
    const added = await call("POST", `/api/credits/${user.id}/add`, {
      body: { amount: credits, description: "test funding" },
    });
    expect(added.status).toBe(200);
  }
  return user;
}

export async function tokenWith(scopes: TokenScope[]) {
  const admin = await createUser("ADMIN");
  return createServiceToken(
    db,
    { type: "ADMIN", id: admin.id },
    { name: `test ${scopes}`, scopes },
  );
}
