// GET|POST /api/trpc/* — the shared `credits` tRPC router (a Pages-Router API route: see
// @credits/credits/next/trpc-api-route for why not an App-Router route handler).
import { trpcApiRoute } from "@credits/credits/next/trpc-api-route";

// The handler reads the body itself (within its own limit) and writes its own response.
// Next.js reads this object statically, so it is written out in each route file.
export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default trpcApiRoute;
