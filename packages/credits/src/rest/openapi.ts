// The OpenAPI 3.1 document of the REST API, generated from the route table and its zod schemas, so
// the document cannot drift from what the handlers validate and answer.

import { z } from "zod";
import { eventDataSchemas, eventEnvelope } from "../schemas/events.ts";
import { type EventType, optInEventTypes } from "../service/events/catalogue.ts";
import { routes } from "./routes/index.ts";
import { ErrorResponse } from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as JsonSchema;
  return rest;
}

const errorDescriptions: Record<number, string> = {
  400: "Invalid input: `error.details` names each field and why.",
  401: "Missing, invalid or revoked token.",
  402: "Not enough credits: `error.details.available` says how many are available.",
  403: "The token lacks the scope this endpoint needs.",
  404: "Unknown user, hold or endpoint.",
  409: "Conflict: the idempotency key was used for another request, or the object's state forbids it.",
  412: "Payments are not configured on this server.",
  413: "The body is larger than 64 KiB (whether or not Content-Length says so).",
  415: "The body is not JSON: send it as application/json.",
  429: "Rate limited or quota used up; see the Retry-After header.",
  500: "Something went wrong on the server; retry later. The message never carries internals.",
  503: "The database cannot be reached for a moment (a restart, a failover) and nothing was done: retry after Retry-After seconds, with the same Idempotency-Key.",
};

/** What every operation can answer besides its own errors; POST bodies add 413 and 415. */
const commonStatuses = [400, 401, 403, 429, 500, 503];
/** Statuses whose answer says in Retry-After when to try again. */
const retriedStatuses = new Set([429, 503]);
const bodyStatuses = [413, 415];

const errorContent = {
  "application/json": { schema: { $ref: "#/components/schemas/Error" } },
};

/**
 * Answers that belong to no operation: a path the document does not list, and a listed path
 * under a method it does not list.
 */
const generalResponses = {
  UnknownEndpoint: {
    description: "404: there is no endpoint at this path.",
    content: errorContent,
  },
  MethodNotAllowed: {
    description:
      "405: the path exists but not with this method; the Allow header lists the methods it has.",
    headers: {
      Allow: {
        description: "The methods this path answers, e.g. `GET`.",
        schema: { type: "string" },
      },
    },
    content: errorContent,
  },
};

function parametersOf(route: (typeof routes)[number]) {
  const parameters: JsonSchema[] = [];
  const path = schemaOf(route.params, "input") as { properties?: Record<string, JsonSchema> };
  for (const [name, schema] of Object.entries(path.properties ?? {})) {
    parameters.push({ name, in: "path", required: true, schema });
  }
  if (route.query) {
    const query = schemaOf(route.query, "input") as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({
        name,
        in: "query",
        required: query.required?.includes(name) ?? false,
        schema,
      });
    }
  }
  if (route.method === "POST") {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes the request safe to retry: the same key and body replay the first response; the same key with another body is a 409. Without it the request runs once with a generated key.",
      schema: { type: "string", minLength: 8, maxLength: 200 },
    });
  }
  return parameters;
}

const retryAfterHeader = {
  description: "Seconds to wait before retrying.",
  schema: { type: "integer", minimum: 1 },
};

/**
 * The events sent to webhook endpoints (OpenAPI 3.1 `webhooks`): one signed POST per event, with
 * the Standard Webhooks headers; the receiver answers any 2xx within the timeout.
 */
function eventWebhooks() {
  return Object.fromEntries(
    Object.entries(eventDataSchemas).map(([type, data]) => [
      type,
      {
        post: {
          summary: `${type}${optInEventTypes.includes(type as EventType) ? " (opt-in: sent only to endpoints that list it)" : ""}`,
          description:
            "Signed per Standard Webhooks: verify `webhook-signature` over `webhook-id`, `webhook-timestamp` and the body with the endpoint's secret. Retried with backoff for about three days until a 2xx; dedupe by `webhook-id`.",
          parameters: ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => ({
            name,
            in: "header",
            required: true,
            schema: { type: "string" },
          })),
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: schemaOf(eventEnvelope(type, data), "output") },
            },
          },
          responses: { "200": { description: "Any 2xx: received." } },
        },
      },
    ]),
  );
}

/** The whole document; paths are relative to the server that serves it. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const statuses = [
      ...new Set([
        ...commonStatuses,
        ...(route.method === "POST" ? bodyStatuses : []),
        ...route.errors,
      ]),
    ].sort();
    const responses: Record<string, unknown> = {
      "200": {
        description: "Success.",
        content: { "application/json": { schema: schemaOf(route.response, "output") } },
      },
    };
    for (const status of statuses) {
      responses[String(status)] = {
        description: errorDescriptions[status] ?? "Error.",
        content: errorContent,
        ...(retriedStatuses.has(status) ? { headers: { "Retry-After": retryAfterHeader } } : {}),
      };
    }
    paths[route.path] ??= {};
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By_$1").replace(/\W+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      security: [{ bearer: [route.scope] }],
      parameters: parametersOf(route),
      responses,
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(route.body, "input") } },
      };
    }
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Credits service API",
      version: "1.0.0",
      description:
        "Credits, holds, subscriptions and usage for other backends. Authenticate with `Authorization: Bearer <service token>` (scopes: `read` and `write` for credits, holds, subscriptions and usage; `webhooks` alone for webhook endpoints and their deliveries, which neither of the others allows). Every error has the shape `{error: {code, message, details?}}`. A path not listed here answers 404 (`components.responses.UnknownEndpoint`); a listed path under a method not listed answers 405 with an `Allow` header (`components.responses.MethodNotAllowed`).",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    webhooks: eventWebhooks(),
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A service token created in the admin app (or CREDITS_SERVICE_TOKEN).",
        },
      },
      schemas: { Error: schemaOf(ErrorResponse, "output") },
      responses: generalResponses,
    },
  };
}
