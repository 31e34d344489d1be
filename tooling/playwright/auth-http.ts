// next-auth's endpoints spoken to over plain HTTP, with a Host header of the test's choosing (a
// browser and fetch() both refuse to set one): what the sign-in redirects and session cookies of a
// production build do for a trusted and an untrusted host.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { expect, type Page } from "@playwright/test";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The `name=value` part of every Set-Cookie. */
  cookies: string[];
}

/** One request to `baseUrl` + `path`, sent with the Host header `host` (default: the URL's own). */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: options.method ?? "GET",
        headers: { host: options.host ?? url.host, ...options.headers },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          body += chunk;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            cookies: (response.headers["set-cookie"] ?? []).map(
              (cookie) => cookie.split(";")[0] ?? "",
            ),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** The session cookie (`name=value`) among `cookies`, if one was set. */
export function sessionCookieOf(cookies: string[]): string | undefined {
  return cookies.find((cookie) => /^(__Secure-)?next-auth\.session-token=./.test(cookie));
}

/**
 * A form sign-in with email and password as a browser without JavaScript sends it: the CSRF token
 * first, then the credentials callback. Answers the callback's response (its redirect and cookies).
 */
export async function formSignIn(
  baseUrl: string,
  credentials: { email: string; password: string },
  host?: string,
): Promise<RawResponse> {
  const csrf = await rawRequest(baseUrl, "/api/auth/csrf", { host });
  if (csrf.status !== 200) return csrf;
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  return rawRequest(baseUrl, "/api/auth/callback/credentials", {
    method: "POST",
    host,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: csrf.cookies.join("; "),
    },
    body: new URLSearchParams({ csrfToken, ...credentials }).toString(),
  });
}

/** Who the session cookie signs in (the email), or null when it signs nobody in. */
export async function signedInEmail(baseUrl: string, cookie: string): Promise<string | null> {
  const session = await rawRequest(baseUrl, "/api/auth/session", { headers: { cookie } });
  const body = JSON.parse(session.body || "{}") as { user?: { email?: string } };
  return body.user?.email ?? null;
}

/** The `name=value` of the session cookie a page holds (to replay it from outside the browser). */
export async function pageSessionCookie(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((each) =>
    each.name.endsWith("next-auth.session-token"),
  );
  if (!cookie) throw new Error("the page holds no session cookie");
  return `${cookie.name}=${cookie.value}`;
}

/**
 * Signs in through `host` with a wrong password, then the right one, and checks that both redirects
 * (the error and the success) go back to that host, not to a default one.
 */
export async function expectSignInRedirectsTo(
  baseUrl: string,
  credentials: { email: string; password: string },
  host: string,
): Promise<void> {
  for (const password of ["not the password", credentials.password]) {
    const response = await formSignIn(baseUrl, { email: credentials.email, password }, host);
    expect(response.status).toBe(302);
    expect(new URL(response.headers.location ?? "").host).toBe(host);
  }
}

/** Checks that sign-in through an untrusted `host` is refused outright: no redirect, no session. */
export async function expectSignInRefusedFor(
  baseUrl: string,
  credentials: { email: string; password: string },
  host: string,
): Promise<void> {
  const response = await formSignIn(baseUrl, credentials, host);
  expect(response.status).toBe(400);
  expect(response.headers.location).toBeUndefined();
  expect(sessionCookieOf(response.cookies)).toBeUndefined();
  expect(response.body).toContain("AUTH_TRUSTED_HOSTS");
}
