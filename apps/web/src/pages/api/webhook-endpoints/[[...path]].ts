// /api/webhook-endpoints and /api/webhook-endpoints/* — where the platform sends events, managed by
// other backends with service tokens; see /api/docs and docs/events.md. Optional catch-all: the
// collection itself has no segment after it.
import { restApiRoute } from "@credits/credits/next/rest-api-route";

// The handler reads the body itself (a stream stopped at its own limit) and writes its own response.
// Next.js reads this object statically, so it is written out in each route file.
export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default restApiRoute;
