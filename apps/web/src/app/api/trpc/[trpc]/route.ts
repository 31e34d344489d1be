// GET|POST /api/trpc/* — the shared `credits` tRPC router
import { createRequestContext, createTrpcRouteHandler } from "@credits/credits/next";

const handler = createTrpcRouteHandler(createRequestContext);

export { handler as GET, handler as POST };
