// GET|POST /api/trpc/* — the shared `credits` tRPC router
import { createTrpcRouteHandler } from "@credits/credits/next";
import { createContext } from "~/trpc/context.ts";

const handler = createTrpcRouteHandler(createContext);

export { handler as GET, handler as POST };
