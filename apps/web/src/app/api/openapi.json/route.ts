// GET /api/openapi.json — the REST API's OpenAPI 3.1 document, generated from its zod schemas.
import { openApiResponse } from "@credits/credits/next";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return openApiResponse();
}
