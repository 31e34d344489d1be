// next-auth called with the request headers this package chose. Its App Router handler and
// getServerSession read the headers themselves (next/headers), so a checked Host could not reach
// them; their API-route forms take the request as an object, which is what they get here.
import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { getServerSession, type NextAuthOptions, type Session } from "next-auth";
import type { AuthRequestParts } from "./hosts.ts";

/** The response next-auth writes through the API-route interface, kept to become a Response. */
class CapturedResponse {
  private statusCode = 200;
  private readonly headers = new Headers();
  private cookies: string[] = [];
  private body: string | null = null;

  status(code: number) {
    this.statusCode = code;
    return this;
  }
  getHeader(name: string) {
    return name.toLowerCase() === "set-cookie"
      ? this.cookies
      : (this.headers.get(name) ?? undefined);
  }
  setHeader(name: string, value: string | string[]) {
    if (name.toLowerCase() === "set-cookie") this.cookies = [value].flat();
    else this.headers.set(name, [value].flat().join(", "));
    return this;
  }
  end() {}
  json(value: unknown) {
    this.headers.set("content-type", "application/json");
    this.body = JSON.stringify(value);
  }
  send(value: unknown) {
    if (typeof value === "string") this.body = value;
    else if (value !== undefined) this.json(value);
  }
  toResponse(): Response {
    const headers = new Headers(this.headers);
    for (const cookie of this.cookies) headers.append("set-cookie", cookie);
    return new Response(this.body, { status: this.statusCode, headers });
  }
}

/** A POST body as next-auth reads it: JSON or a form; anything else is no body. */
async function readBody(request: Request): Promise<Record<string, string> | undefined> {
  if (request.method !== "POST") return undefined;
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return (await request.json()) as Record<string, string>;
    if (type.includes("application/x-www-form-urlencoded"))
      return Object.fromEntries(new URLSearchParams(await request.text()));
  } catch {
    // A body that does not parse is no body: next-auth then refuses the request for its CSRF token.
  }
  return undefined;
}

/** `/api/auth/<action...>` answered by next-auth, with `parts` in place of the request's own. */
export async function callNextAuth(
  request: Request,
  action: string[],
  parts: AuthRequestParts,
  options: NextAuthOptions,
): Promise<Response> {
  const url = new URL(request.url);
  const apiRequest = {
    ...parts,
    method: request.method,
    query: { ...Object.fromEntries(url.searchParams), nextauth: action },
    body: await readBody(request),
  };
  const response = new CapturedResponse();
  await NextAuth(
    apiRequest as unknown as NextApiRequest,
    response as unknown as NextApiResponse,
    options,
  );
  return response.toResponse();
}

/** The session the request's cookies carry, as getServerSession reads it, from `parts`. */
export function readSession(
  parts: AuthRequestParts,
  options: NextAuthOptions,
): Promise<Session | null> {
  // A server component cannot set cookies: the refreshed token getServerSession writes is dropped.
  const noResponse = { getHeader() {}, setHeader() {}, setCookie() {} };
  return getServerSession(
    parts as unknown as NextApiRequest,
    noResponse as unknown as NextApiResponse,
    options,
  );
}
