// /api/usage/* — the service REST API for other backends (bearer service tokens); see /api/docs.
import { restRouteHandler } from "@credits/credits/next/rest";

export const dynamic = "force-dynamic";

export {
  restRouteHandler as DELETE,
  restRouteHandler as GET,
  restRouteHandler as PATCH,
  restRouteHandler as POST,
  restRouteHandler as PUT,
};
