// GET /health — liveness: the process answers; no dependency is checked
import { livenessResponse } from "@credits/credits/next";

export const dynamic = "force-dynamic";

export function GET() {
  return livenessResponse();
}
