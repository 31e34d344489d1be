// Types next-auth's session and token carry here: our user id and role.
import type { SessionUser } from "./users.ts";

declare module "next-auth" {
  interface Session {
    user?: SessionUser;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: SessionUser["role"];
  }
}
