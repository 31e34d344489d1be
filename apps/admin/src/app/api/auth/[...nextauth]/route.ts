// GET|POST /api/auth/* — next-auth: sign-in, sign-out, session, OAuth callbacks
import { createAuthRouteHandler } from "@credits/auth/next";

const handler = createAuthRouteHandler();

export { handler as GET, handler as POST };
