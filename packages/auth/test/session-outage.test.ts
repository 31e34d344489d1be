// A session read while the database cannot be reached (as during a PostgreSQL restart) is not a
// signed-out user: next-auth keeps the cookie and the session says why it could not be checked, so
// the apps answer 503 and the user is still signed in once the database is back.
import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import { getServerSession } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { createAuthOptions } from "../src/options.ts";
import { newSessionClaims } from "../src/sessions.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
const unreachable = createDatabaseClient("postgresql://postgres@127.0.0.1:1/postgres", {
  poolMax: 1,
});
afterAll(() => Promise.all([db.$disconnect(), unreachable.$disconnect()]));

const cookieName = "next-auth.session-token";

/** next-auth's own session read (what getSessionUser runs), with the cookies it sets back. */
async function readSession(database: typeof db, token: string) {
  const options = createAuthOptions(() => database);
  const setCookies: string[] = [];
  const session = await getServerSession(
    {
      headers: { host: "localhost:3000", cookie: `${cookieName}=${token}` },
      cookies: { [cookieName]: token },
    } as never,
    {
      getHeader: () => setCookies,
      setHeader: (_name: string, value: string | string[]) => {
        setCookies.splice(0, setCookies.length, ...[value].flat());
      },
    } as never,
    options,
  );
  const refreshed = setCookies
    .find((cookie) => cookie.startsWith(`${cookieName}=`))
    ?.split(";")[0]
    ?.slice(cookieName.length + 1);
  return { session, refreshed, secret: options.secret ?? "" };
}

describe("a session while the database cannot be reached", () => {
  it("is kept, marked unavailable, instead of being cleared (signed out)", async () => {
    const user = await db.user.create({
      data: { email: `outage-${randomUUID()}@example.com` },
      select: { id: true, email: true },
    });
    const secret = createAuthOptions(() => db).secret ?? "";
    const token = await encode({
      token: { sub: user.id, email: user.email, role: "USER", ...newSessionClaims(0) },
      secret,
    });

    const during = await readSession(unreachable, token);
    expect(during.session?.user).toBeUndefined();
    expect(during.session?.databaseUnavailable).toMatch(/^(P1001|DatabaseNotReachable)$/);
    // next-auth's answer to a failing callback was an emptied cookie: signed out everywhere.
    expect(during.refreshed).toBeTruthy();
    const kept = await decode({ token: during.refreshed, secret });
    expect(kept?.sub).toBe(user.id);

    const after = await readSession(db, during.refreshed ?? "");
    expect(after.session?.user).toMatchObject({ id: user.id, role: "USER" });
    expect(after.session?.databaseUnavailable).toBeUndefined();
    const healed = await decode({ token: after.refreshed, secret });
    expect(healed?.databaseUnavailable).toBeUndefined();
  });
});
