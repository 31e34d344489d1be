// GET|POST /api/trpc/* — the shared `credits` tRPC router
import { createTrpcRouteHandler } from "@credits/credits/next";
import { createRequestContext } from "@credits/credits/next/context";

const handler = createTrpcRouteHandler(createRequestContext);

export { handler as GET, handler as POST };
