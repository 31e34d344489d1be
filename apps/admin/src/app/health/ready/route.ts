// GET /health/ready — readiness: 200 when the database answers, 503 otherwise
import { readinessResponse } from "@credits/credits/next";
import { getDb } from "@credits/db";

export const dynamic = "force-dynamic";

export function GET() {
  return readinessResponse(getDb);
}
