// Sessions end on the server: one by signing out, all of a user's by raising their version, and
// the per-request check (the same statement that re-reads the role) sees both at once. The auth
// endpoints are driven as next-auth answers them, through the adapter the apps' route uses.
import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthRequestParts } from "../src/hosts.ts";
import { callNextAuth } from "../src/next-auth-call.ts";
import { createAuthOptions } from "../src/options.ts";
import { createMemoryRateLimiter } from "../src/rate-limiter.ts";
import { activeSessionUser, endAllSessions, endSession } from "../src/sessions.ts";
import { SignInThrottle } from "../src/sign-in-limits.ts";
import { trackSignOut } from "../src/sign-out-outcome.ts";
import { SignUpInput, signUp } from "../src/users.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
/** Where nothing listens: the database is down. */
const unreachable = createDatabaseClient("postgresql://postgres@127.0.0.1:1/postgres", {
  poolMax: 1,
});
afterAll(() => Promise.all([db.$disconnect(), unreachable.$disconnect()]));

const password = "long enough pw";
const throttle = new SignInThrottle(createMemoryRateLimiter());
const options = createAuthOptions(() => db, throttle);

async function newUser() {
  const email = `sessions-${randomUUID()}@example.com`;
  return signUp(db, SignUpInput.parse({ name: "Ann", email, password }));
}

/** The token next-auth signs at a credentials sign-in of `userId`. */
async function signInToken(userId: string): Promise<JWT> {
  const token = await options.callbacks?.jwt?.({
    token: { sub: userId },
    user: { id: userId },
    account: { type: "credentials", provider: "credentials", providerAccountId: userId },
  });
  if (!token) throw new Error("no token at sign-in");
  return token;
}

/** The token a later request of the session is answered with: nobody in it once it ended. */
async function nextRequestToken(token: JWT): Promise<JWT | undefined> {
  return options.callbacks?.jwt?.({ token, user: { id: "" }, account: null });
}

describe("a session's token", () => {
  it("names a new session under the user's version, and signs the user in on later requests", async () => {
    const user = await newUser();
    const token = await signInToken(user.id);
    expect(token).toMatchObject({ sub: user.id, role: "USER", sv: 0 });
    expect(token.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await nextRequestToken(token)).toMatchObject({ sub: user.id, email: user.email });
    expect((await signInToken(user.id)).sid).not.toBe(token.sid);
  });

  it("stops signing in when its session is signed out, while the user's other sessions go on", async () => {
    const user = await newUser();
    const [laptop, phone] = [await signInToken(user.id), await signInToken(user.id)];
    await endSession(db, laptop);
    expect((await nextRequestToken(laptop))?.sub).toBeUndefined();
    expect(await activeSessionUser(db, laptop)).toBeNull();
    expect(await activeSessionUser(db, phone)).toMatchObject({ id: user.id });
    // Signing out twice changes nothing.
    await endSession(db, laptop);
    expect(await db.revokedSession.count({ where: { sessionId: laptop.sid } })).toBe(1);
  });

  it("stops signing in, everywhere at once, when all the user's sessions end; new ones work", async () => {
    const user = await newUser();
    const other = await newUser();
    const sessions = [await signInToken(user.id), await signInToken(user.id)];
    const othersSession = await signInToken(other.id);
    expect(await endAllSessions(db, user.id)).toBe(true);
    for (const token of sessions) expect(await activeSessionUser(db, token)).toBeNull();
    expect(await activeSessionUser(db, othersSession)).toMatchObject({ id: other.id });
    const fresh = await signInToken(user.id);
    expect(fresh.sv).toBe(1);
    expect(await activeSessionUser(db, fresh)).toMatchObject({ id: user.id });
    expect(await endAllSessions(db, randomUUID())).toBe(false);
  });

  it("without a session id or version (made before sessions could end) signs nobody in", async () => {
    const user = await newUser();
    for (const token of [{ sub: user.id }, { sub: user.id, sid: randomUUID() }, { sub: "x" }])
      expect((await nextRequestToken(token))?.sub).toBeUndefined();
  });

  it("is kept as revoked only as long as a copy of it can be valid", async () => {
    const user = await newUser();
    const old = await signInToken(user.id);
    await endSession(db, old);
    const row = await db.revokedSession.findUniqueOrThrow({ where: { sessionId: old.sid } });
    const days = (row.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    // Once that time has passed, the next sign-out (anyone's) deletes it.
    await db.revokedSession.update({
      where: { sessionId: old.sid },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await endSession(db, await signInToken(user.id));
    expect(await db.revokedSession.count({ where: { sessionId: old.sid } })).toBe(0);
  });
});

// ─── The endpoints, as the apps' /api/auth route answers them ───────────────────────────────

const host = "credits.example.com";
const parts = (cookies: Record<string, string>): AuthRequestParts => ({
  headers: { host, "x-forwarded-host": host, "x-forwarded-proto": "http" },
  cookies,
});

/** One request to /api/auth/<path> through the adapter, with a JSON body for POSTs. */
function authCall(
  path: string,
  cookies: Record<string, string>,
  body?: Record<string, string>,
  authOptions = options,
): Promise<Response> {
  // The URL is the server's listening address, as Next.js reports it; the host is in `parts`.
  const request = new Request(`http://127.0.0.1:3000/api/auth/${path}`, {
    method: body ? "POST" : "GET",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return callNextAuth(request, path.split("/"), parts(cookies), authOptions);
}

function cookiesOf(response: Response, into: Record<string, string> = {}) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ""] = cookie.split(";");
    const at = pair.indexOf("=");
    // Decoded, as Next.js's cookies() hands them over.
    into[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  }
  return into;
}

/** A browser's sign-in: the CSRF token, then the credentials. Answers the jar and the response. */
async function formSignIn(email: string, secret: string) {
  const csrf = await authCall("csrf", {});
  const jar = cookiesOf(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await authCall("callback/credentials", jar, {
    csrfToken,
    email,
    password: secret,
  });
  return { jar: cookiesOf(response, jar), csrfToken, response };
}

const sessionEmail = async (jar: Record<string, string>) =>
  ((await (await authCall("session", jar)).json()) as { user?: { email: string } }).user?.email;

describe("the auth endpoints", () => {
  beforeAll(() => {
    // What the apps' route sets: next-auth derives its URL from the (checked) host it is given.
    process.env.AUTH_TRUST_HOST = "true";
  });

  it("redirect a sign-in and its errors to the host the request was for, never localhost:3000", async () => {
    const user = await newUser();
    const wrong = await formSignIn(user.email, "not the password");
    expect(wrong.response.status).toBe(302);
    expect(wrong.response.headers.get("location")).toBe(
      `http://${host}/api/auth/error?error=CredentialsSignin&provider=credentials`,
    );
    const right = await formSignIn(user.email, password);
    expect(right.response.headers.get("location")).toBe(`http://${host}`);
    expect(await sessionEmail(right.jar)).toBe(user.email);
  });

  it("sign out: the cookie from before no longer signs anyone in", async () => {
    const user = await newUser();
    const { jar, csrfToken } = await formSignIn(user.email, password);
    const before = { ...jar };
    const signOut = await authCall("signout", jar, { csrfToken });
    expect(signOut.status).toBe(302);
    expect(await sessionEmail(before)).toBeUndefined();
  });

  it("report a sign-out the database could not record, so the route refuses to pretend", async () => {
    const user = await newUser();
    const { jar, csrfToken } = await formSignIn(user.email, password);
    const down = createAuthOptions(() => unreachable, throttle);
    const { failed } = await trackSignOut(() => authCall("signout", jar, { csrfToken }, down));
    expect(failed).toBe(true);
    expect(await sessionEmail(jar)).toBe(user.email);
    expect((await trackSignOut(() => authCall("session", jar))).failed).toBe(false);
  });
});
