// Types next-auth's session and token carry here: our user id and role, the token's session (its id
// and the user's session version at sign-in, see sessions.ts), and the code of a database that
// could not be reached while the session was read (options.ts).
import type { SessionUser } from "./users.ts";

declare module "next-auth" {
  interface Session {
    user?: SessionUser;
    databaseUnavailable?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: SessionUser["role"];
    sid?: string;
    sv?: number;
    databaseUnavailable?: string;
  }
}
